package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"prana/devstack/stack"
)

func TestWaitReady(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ready-later" && calls.Add(1) > 2 {
			return // 200
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	ctx := t.Context()

	if err := waitReady(ctx, "auth", srv.URL+"/ready-later", 10*time.Second, nil); err != nil {
		t.Errorf("ready after two 503s: %v", err)
	}
	err := waitReady(ctx, "pdf", srv.URL+"/never", 600*time.Millisecond, nil)
	if err == nil || !strings.Contains(err.Error(), "pdf did not become ready") || !strings.Contains(err.Error(), "503") {
		t.Errorf("never ready: %v", err)
	}
	exits := make(chan *stack.Child, 1)
	exits <- &stack.Child{Name: "auth"}
	err = waitReady(ctx, "pdf", srv.URL+"/never", 10*time.Second, exits)
	if err == nil || !strings.Contains(err.Error(), "auth exited") {
		t.Errorf("child exit while waiting: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := waitReady(cancelled, "pdf", srv.URL+"/never", 10*time.Second, nil); err != context.Canceled {
		t.Errorf("cancelled: %v", err)
	}
}

func TestPresentSkipsMissingPackages(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "auth/cmd/auth"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "auth/cmd/auth/main.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "pdf/cmd/pdf"), 0o755); err != nil { // empty: being written
		t.Fatal(err)
	}
	var log bytes.Buffer
	got := present(root, services, slog.New(slog.NewTextHandler(&log, nil)))
	if len(got) != 1 || got[0].name != "auth" {
		t.Errorf("present = %+v", got)
	}
	if got, want := got[0].binary(root), filepath.Join(root, ".data/bin/auth"); got != want {
		t.Errorf("binary = %s, want %s", got, want)
	}
	for _, name := range []string{"skipping pdf", "skipping worker"} {
		if !strings.Contains(log.String(), name) {
			t.Errorf("log lacks %q:\n%s", name, log.String())
		}
	}
}
