// Package httpserver runs an http.Server with production timeouts and shuts
// it down gracefully: on cancellation it stops accepting, lets in-flight
// requests finish within a grace period, then returns.
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Grace is how long in-flight requests get to finish on shutdown.
const Grace = 10 * time.Second

// New returns a server with timeouts that stop slow clients from holding
// connections open forever.
func New(addr string, h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Run listens on srv.Addr and serves until ctx is done, then shuts down.
// ready, when not nil, is called once the listener is open.
func Run(ctx context.Context, srv *http.Server, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", srv.Addr, err)
	}
	return Serve(ctx, srv, ln, log, ready)
}

// Serve is Run on an open listener.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, log *slog.Logger, ready func(net.Addr)) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", Grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), Grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
