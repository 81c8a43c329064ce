package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"prana/shared/health"
	"prana/shared/healthprobe"
)

// TestHealthListener: /readyz follows the checks and turns 503 once the
// worker stops; `pdf-worker healthcheck` (healthprobe) agrees; a taken
// address fails the start.
func TestHealthListener(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var sqsDown atomic.Bool
	checks := health.Checks{"sqs": func(context.Context) error {
		if sqsDown.Load() {
			return errors.New("down")
		}
		return nil
	}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	stop, err := serveHealth(ctx, addr, checks, log)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if _, err := serveHealth(ctx, addr, checks, log); err == nil {
		t.Error("a second listener on a taken address started")
	}
	status := func(path string) int {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status("/readyz"); got != http.StatusOK {
		t.Errorf("/readyz = %d with its checks passing, want 200", got)
	}
	if err := healthprobe.Probe(context.Background(), addr); err != nil {
		t.Errorf("healthcheck of a ready worker: %v", err)
	}
	sqsDown.Store(true)
	if got := status("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d with SQS down, want 503", got)
	}
	if healthprobe.Probe(context.Background(), addr) == nil {
		t.Error("healthcheck passed with SQS down")
	}
	sqsDown.Store(false)
	cancel() // the worker drains
	if got := status("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d while draining, want 503", got)
	}
	if got := status("/healthz"); got != http.StatusOK {
		t.Errorf("/healthz = %d, want 200", got)
	}
}
