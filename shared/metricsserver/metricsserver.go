// Package metricsserver serves /metrics on a listener of its own
// (METRICS_ADDR), for example on loopback or a private port, so that the
// metrics need not be reachable wherever the API is.
package metricsserver

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"prana/shared/httpmw"
	"prana/shared/httpserver"
	"prana/shared/problem"
)

// Path is where the metrics are served, on either listener.
const Path = "/metrics"

// Serve answers GET /metrics from reg on addr until stop is called; every
// other path is a problem+json 404. It listens before returning, so a taken
// port fails the start.
func Serve(addr string, reg *prometheus.Registry, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("METRICS_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+Path, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/", problem.NotFound)
	return httpserver.Aside(ln, mux, "metrics", log), nil
}

// Hide answers /metrics on h's listener with a 404, for when the metrics
// moved to a listener of their own. The 404 is the router's kind: a
// problem document with a request id, and the common security headers.
func Hide(h http.Handler) http.Handler {
	notFound := httpmw.SecurityHeaders(httpmw.RequestID(http.HandlerFunc(problem.NotFound)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == Path {
			notFound.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Move serves reg on a listener of its own at addr and hides /metrics on
// h, when addr is set; with addr empty it returns h as it is (the router
// serves /metrics itself). stop ends the listener.
func Move(addr string, h http.Handler, reg *prometheus.Registry, log *slog.Logger) (http.Handler, func(), error) {
	if addr == "" {
		return h, func() {}, nil
	}
	stop, err := Serve(addr, reg, log)
	if err != nil {
		return nil, nil, err
	}
	return Hide(h), stop, nil
}
