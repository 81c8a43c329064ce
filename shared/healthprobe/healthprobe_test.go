package healthprobe

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		":8001":          "http://127.0.0.1:8001/readyz",
		"0.0.0.0:8002":   "http://127.0.0.1:8002/readyz",
		"[::]:8001":      "http://[::1]:8001/readyz",
		"127.0.0.1:9000": "http://127.0.0.1:9000/readyz",
		"auth:8001":      "http://auth:8001/readyz",
	} {
		got, err := URL(addr)
		if err != nil || got != want {
			t.Errorf("URL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
	for _, addr := range []string{"", "8001", ":0", "localhost"} {
		if got, err := URL(addr); err == nil {
			t.Errorf("URL(%q) = %q, want an error", addr, got)
		}
	}
}

// serve answers every request with status and returns the listen address,
// in the form a service's config would give it (":port").
func serve(t *testing.T, status int, paths *[]string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if paths != nil {
			*paths = append(*paths, r.URL.Path)
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return ":" + port
}

func TestProbeReady(t *testing.T) {
	t.Parallel()
	var paths []string
	if err := Probe(context.Background(), serve(t, http.StatusOK, &paths)); err != nil {
		t.Fatalf("Probe of a ready server: %v", err)
	}
	if len(paths) != 1 || paths[0] != "/readyz" {
		t.Errorf("requested %v, want [/readyz]", paths)
	}
}

func TestProbeNotReady(t *testing.T) {
	t.Parallel()
	err := Probe(context.Background(), serve(t, http.StatusServiceUnavailable, nil))
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("Probe of a 503 server: %v, want an error naming 503", err)
	}
}

func TestProbeNobodyListening(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	if err := Probe(context.Background(), addr); err == nil {
		t.Fatal("Probe with nothing listening: nil error")
	}
}

// A server that accepts but never answers must not hang the probe: the
// container runtime would count a hung probe only at its own timeout.
func TestProbeGivesUpOnASilentServer(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var held []net.Conn // open, unanswered, until the test ends
		for {
			c, err := l.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := Probe(ctx, l.Addr().String()); err == nil {
		t.Fatal("Probe of a silent server: nil error")
	}
}
