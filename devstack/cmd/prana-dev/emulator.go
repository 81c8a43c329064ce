package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sivchari/kumo"
)

// emulator is kumo's in-process S3+SQS emulator behind a reverse proxy on a fixed address. kumo.NewServer picks
// a random port; the services and developers expect one they can write down (LocalStack's 4566).
type emulator struct {
	// URL is where the proxy listens, e.g. http://127.0.0.1:4566.
	URL string

	kumo *kumo.Server
	srv  *http.Server
}

// startEmulator starts kumo and a proxy to it listening on addr ("127.0.0.1:4566"; port 0 picks one). Each
// request is logged to log as one line.
func startEmulator(addr string, log io.Writer) (*emulator, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s for the S3/SQS emulator (if LocalStack or another emulator runs "+
			"there, set AWS_ENDPOINT_URL=http://<its address> in .env to use it instead): %w", addr, err)
	}
	k := kumo.NewServer()
	target, err := url.Parse(k.URL)
	if err != nil {
		k.Close()
		ln.Close()
		return nil, fmt.Errorf("emulator url: %w", err)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil              // never send emulator traffic through an HTTP_PROXY
	transport.MaxIdleConnsPerHost = 64 // the default 2 would reconnect constantly under parallel requests
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			// SetURL points Host at kumo's random port. Keep the client's instead: SigV4 signs the Host header,
			// and kumo reads virtual-hosted bucket names (bucket.localhost:4566) from it.
			r.Out.Host = r.In.Host
		},
		Transport: transport,
	}
	e := &emulator{
		URL:  "http://" + ln.Addr().String(),
		kumo: k,
		srv:  &http.Server{Handler: logRequests(proxy, log), ReadHeaderTimeout: 10 * time.Second},
	}
	go func() {
		if err := e.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(log, "emulator proxy stopped: %v\n", err)
		}
	}()
	return e, nil
}

// Close stops the proxy, waiting for requests in flight (an SQS long poll may take up to 20 s, so ctx should
// bound it), then kumo.
func (e *emulator) Close(ctx context.Context) error {
	err := e.srv.Shutdown(ctx)
	e.kumo.Close()
	if err != nil {
		return fmt.Errorf("stop emulator: %w", err)
	}
	return nil
}

// logRequests logs one line per request: method, path, the SQS action (SQS requests are all POST /), status
// and duration.
func logRequests(next http.Handler, log io.Writer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		action := ""
		if t := r.Header.Get("X-Amz-Target"); t != "" {
			action = " " + strings.TrimPrefix(t, "AmazonSQS.")
		}
		fmt.Fprintf(log, "%s %s%s %d %s\n", r.Method, r.URL.Path, action, rec.status,
			time.Since(start).Round(100*time.Microsecond))
	})
}

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status and passes it on.
func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer (the proxy flushes through it).
func (s *statusRecorder) Unwrap() http.ResponseWriter {
	return s.ResponseWriter
}

// Persistence. kumo keeps its state across restarts in KUMO_DATA_DIR, and its library honours that too (checked
// in v0.33.1: internal/service/{s3,sqs}/service.go), but each service reads the variable in its package init
// function, before main runs. Setting it from main or from .env is too late for this process, so prana-dev
// re-executes itself once with the variable set. kumo then writes changes in the background (debounced by
// KUMO_PERSIST_FLUSH_INTERVAL_MS, default 1000) and S3 object bodies as they arrive; the library's Close does not
// write a final snapshot, so shutdown waits one flush interval instead.

// kumoFlushInterval is the snapshot interval prana-dev asks kumo for.
const kumoFlushInterval = 200 * time.Millisecond

// reexecWithKumoDataDir replaces this process with a fresh copy of itself whose environment has KUMO_DATA_DIR=dir.
// It returns only on failure. Same pid, same terminal: `go run` and Ctrl-C are unaffected.
func reexecWithKumoDataDir(dir string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("re-exec for KUMO_DATA_DIR: %w", err)
	}
	env := append(os.Environ(), "KUMO_DATA_DIR="+dir)
	if _, set := os.LookupEnv("KUMO_PERSIST_FLUSH_INTERVAL_MS"); !set {
		env = append(env, "KUMO_PERSIST_FLUSH_INTERVAL_MS="+strconv.Itoa(int(kumoFlushInterval.Milliseconds())))
	}
	if err := syscall.Exec(exe, os.Args, env); err != nil {
		return fmt.Errorf("re-exec for KUMO_DATA_DIR: %w", err)
	}
	return nil
}

// waitForKumoFlush waits long enough for kumo's background writer to save the last changes.
func waitForKumoFlush() {
	interval := time.Second
	if ms, err := strconv.Atoi(os.Getenv("KUMO_PERSIST_FLUSH_INTERVAL_MS")); err == nil && ms > 0 {
		interval = time.Duration(ms) * time.Millisecond
	}
	time.Sleep(interval + 100*time.Millisecond)
}
