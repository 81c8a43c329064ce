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

// DefaultGrace is how long in-flight requests get to finish on shutdown,
// unless SHUTDOWN_GRACE says otherwise.
const DefaultGrace = 10 * time.Second

// Server is an http.Server and the grace period of its shutdown.
type Server struct {
	*http.Server
	Grace time.Duration
}

// Timeouts bound how long a client may take over each part of an exchange,
// so that slow or stalled clients (a header sent byte by byte, a body that
// never ends) are cut off instead of holding a connection and a goroutine
// forever. Both services embed it in their config; a zero field means the
// default.
type Timeouts struct {
	// ReadHeader bounds reading the request line and headers.
	ReadHeader time.Duration `env:"HTTP_READ_HEADER_TIMEOUT" envDefault:"5s"`
	// Read bounds reading the whole request, body included.
	Read time.Duration `env:"HTTP_READ_TIMEOUT" envDefault:"30s"`
	// Write bounds writing the answer.
	Write time.Duration `env:"HTTP_WRITE_TIMEOUT" envDefault:"60s"`
	// Idle bounds a keep-alive connection's wait for its next request.
	Idle time.Duration `env:"HTTP_IDLE_TIMEOUT" envDefault:"120s"`
	// Grace is how long in-flight requests get to finish on shutdown; keep
	// it below the orchestrator's own stop timeout (compose's
	// stop_grace_period, ECS stopTimeout, terminationGracePeriodSeconds).
	Grace time.Duration `env:"SHUTDOWN_GRACE" envDefault:"10s"`
}

// DefaultTimeouts are the timeouts used for zero fields.
var DefaultTimeouts = Timeouts{ReadHeader: 5 * time.Second, Read: 30 * time.Second, Write: 60 * time.Second, Idle: 120 * time.Second}

// New returns a server with the given timeouts (zero fields: the defaults).
func New(addr string, h http.Handler, log *slog.Logger, t Timeouts) *Server {
	return &Server{Grace: orDefault(t.Grace, DefaultGrace), Server: &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: orDefault(t.ReadHeader, DefaultTimeouts.ReadHeader),
		ReadTimeout:       orDefault(t.Read, DefaultTimeouts.Read),
		WriteTimeout:      orDefault(t.Write, DefaultTimeouts.Write),
		IdleTimeout:       orDefault(t.Idle, DefaultTimeouts.Idle),
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}}
}

// Validate rejects negative timeouts and a header timeout longer than the
// whole read's (it would never apply).
func (t Timeouts) Validate() error {
	if t.ReadHeader < 0 || t.Read < 0 || t.Write < 0 || t.Idle < 0 || t.Grace < 0 {
		return errors.New("HTTP_*_TIMEOUT and SHUTDOWN_GRACE: must not be negative")
	}
	if t.Read > 0 && orDefault(t.ReadHeader, DefaultTimeouts.ReadHeader) > t.Read {
		return errors.New("HTTP_READ_HEADER_TIMEOUT: must not exceed HTTP_READ_TIMEOUT")
	}
	return nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// Run listens on srv.Addr and serves until ctx is done, then shuts down.
// ready, when not nil, is called once the listener is open.
func Run(ctx context.Context, srv *Server, log *slog.Logger, ready func(net.Addr)) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", srv.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", srv.Addr, err)
	}
	return Serve(ctx, srv, ln, log, ready)
}

// Serve is Run on an open listener.
func Serve(ctx context.Context, srv *Server, ln net.Listener, log *slog.Logger, ready func(net.Addr)) error {
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
	log.Info("shutting down", "grace", srv.Grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), srv.Grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// Aside serves h on ln in the background, for a side listener (health
// probes, metrics scrapes) whose requests are short and lose nothing when
// cut: its stop gives them two seconds, not the API's grace period. name
// says which listener in the log.
func Aside(ln net.Listener, h http.Handler, name string, log *slog.Logger) (stop func()) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error(name+" listener stopped", "err", err)
		}
	}()
	log.Info(name+" listener ready", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
}
