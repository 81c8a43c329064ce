package httpserver_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"prana/shared/httpserver"
	"prana/testkit/slowclient"
)

var discard = slog.New(slog.DiscardHandler)

// recv returns the next value from c, failing the test if none comes soon.
func recv[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	h := http.NotFoundHandler()
	srv := httpserver.New(":8080", h, discard, httpserver.Timeouts{})
	if srv.Addr != ":8080" || srv.Handler == nil || srv.ErrorLog == nil {
		t.Errorf("Addr %q, Handler %v, ErrorLog %v", srv.Addr, srv.Handler, srv.ErrorLog)
	}
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout,
		"ReadTimeout":       srv.ReadTimeout,
		"WriteTimeout":      srv.WriteTimeout,
		"IdleTimeout":       srv.IdleTimeout,
	} {
		if d <= 0 {
			t.Errorf("%s = %v, want a positive timeout", name, d)
		}
	}
	if srv.ReadHeaderTimeout > srv.ReadTimeout {
		t.Errorf("ReadHeaderTimeout %v exceeds ReadTimeout %v", srv.ReadHeaderTimeout, srv.ReadTimeout)
	}
	if srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > http.DefaultMaxHeaderBytes {
		t.Errorf("MaxHeaderBytes = %d, want a limit below the default", srv.MaxHeaderBytes)
	}
}

// Cancelling the context while a request is in flight lets it finish, then
// Serve returns nil.
func TestServeGracefulShutdown(t *testing.T) {
	t.Parallel()
	started := make(chan struct{}, 1)
	var finished atomic.Bool
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		started <- struct{}{}
		time.Sleep(300 * time.Millisecond) // shutdown begins meanwhile
		finished.Store(true)
		_, _ = io.WriteString(w, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	readyAddr := make(chan net.Addr, 1)
	served := make(chan error, 1)
	go func() {
		served <- httpserver.Serve(ctx, httpserver.New("", h, discard, httpserver.Timeouts{}), ln, discard, func(a net.Addr) { readyAddr <- a })
	}()
	addr := recv(t, readyAddr, "the ready callback")
	if addr.String() != ln.Addr().String() {
		t.Errorf("ready got %v, want %v", addr, ln.Addr())
	}

	type result struct {
		status int
		body   string
		err    error
	}
	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	got := make(chan result, 1)
	go func() {
		resp, err := client.Get("http://" + addr.String() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(b), err}
	}()
	recv(t, started, "the request to start")
	cancel()

	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve = %v, want nil", err)
		}
		if !finished.Load() {
			t.Error("Serve returned before the in-flight request finished")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if r := recv(t, got, "the in-flight response"); r.err != nil || r.status != http.StatusOK || r.body != "done" {
		t.Errorf("in-flight request: %d %q %v; want 200 done", r.status, r.body, r.err)
	}
	// The listener is closed: no new connections.
	if c, err := net.DialTimeout("tcp", addr.String(), time.Second); err == nil {
		_ = c.Close()
		t.Error("still accepting connections after shutdown")
	}
}

func TestServeListenerError(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_ = ln.Close()
	done := make(chan error, 1)
	go func() {
		done <- httpserver.Serve(context.Background(), httpserver.New("", http.NotFoundHandler(), discard, httpserver.Timeouts{}), ln, discard, nil)
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Serve on a closed listener = nil, want an error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve on a closed listener did not return")
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	t.Run("bad address", func(t *testing.T) {
		t.Parallel()
		err := httpserver.Run(context.Background(), httpserver.New("127.0.0.1:-1", http.NotFoundHandler(), discard, httpserver.Timeouts{}), discard, nil)
		if err == nil {
			t.Error("Run on an invalid address = nil, want an error")
		}
	})
	t.Run("serves until cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
		addrs := make(chan net.Addr, 1)
		done := make(chan error, 1)
		go func() {
			done <- httpserver.Run(ctx, httpserver.New("127.0.0.1:0", h, discard, httpserver.Timeouts{}), discard, func(a net.Addr) { addrs <- a })
		}()
		addr := recv(t, addrs, "the ready callback")
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
		resp, err := client.Get("http://" + addr.String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusTeapot {
			t.Errorf("status = %d, want 418", resp.StatusCode)
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
	})
}

// TestSlowClientsAreCutOff: the configured timeouts end a header sent byte
// by byte and a body that never ends (bounds, not speeds: a server without
// timeouts would hold both for good).
func TestSlowClientsAreCutOff(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			w.WriteHeader(http.StatusRequestTimeout)
		}
	})
	srv := httpserver.New("", h, discard, httpserver.Timeouts{ReadHeader: 300 * time.Millisecond, Read: 600 * time.Millisecond})
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	const slack = 3 * time.Second
	r, err := slowclient.Header(ln.Addr().String(), 30*time.Millisecond)
	if err != nil || r.After > 300*time.Millisecond+slack {
		t.Errorf("slow header: cut off after %v (%v)", r.After, err)
	}
	r, err = slowclient.Body(ln.Addr().String(), "/", 30*time.Millisecond)
	if err != nil || r.After > 600*time.Millisecond+slack {
		t.Errorf("endless body: cut off after %v (%v)", r.After, err)
	}
}

func TestTimeoutsValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		t  httpserver.Timeouts
		ok bool
	}{
		{httpserver.Timeouts{}, true},
		{httpserver.DefaultTimeouts, true},
		{httpserver.Timeouts{Read: -time.Second}, false},
		{httpserver.Timeouts{Read: time.Second}, false}, // the 5s default header timeout would never apply
		{httpserver.Timeouts{ReadHeader: time.Second, Read: 2 * time.Second}, true},
	} {
		if err := tt.t.Validate(); (err == nil) != tt.ok {
			t.Errorf("%+v: Validate() = %v", tt.t, err)
		}
	}
}
