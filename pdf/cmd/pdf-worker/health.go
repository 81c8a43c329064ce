package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"prana/shared/health"
	"prana/shared/httpserver"
)

// serveHealth answers on addr until stop is called: /healthz 200 while the
// process runs; /readyz 200 while the worker consumes and its queue and
// bucket answer, 503 otherwise (and once ctx ends, while it drains). It
// listens before returning, so a taken port fails the start.
func serveHealth(ctx context.Context, addr string, checks health.Checks, log *slog.Logger) (stop func(), err error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("WORKER_HEALTH_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeStatus(w, http.StatusOK, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if ctx.Err() != nil {
			writeStatus(w, http.StatusServiceUnavailable, map[string]any{"status": "stopping"})
			return
		}
		states, ok := checks.Run(r.Context())
		if !ok {
			writeStatus(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "checks": states})
			return
		}
		writeStatus(w, http.StatusOK, map[string]any{"status": "ready", "checks": states})
	})
	return httpserver.Aside(ln, mux, "health", log), nil
}

func writeStatus(w http.ResponseWriter, status int, body map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
