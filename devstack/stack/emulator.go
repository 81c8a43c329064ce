package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"github.com/sivchari/kumo"
)

// Emulator is kumo's in-process S3+SQS emulator behind a reverse proxy on a fixed address. kumo.NewServer picks
// a random port; the services and developers expect one they can write down (LocalStack's 4566).
type Emulator struct {
	// URL is where the proxy listens, e.g. http://127.0.0.1:4566.
	URL string

	kumo *kumo.Server
	srv  *http.Server
}

// StartEmulator starts kumo and a proxy to it listening on addr ("127.0.0.1:4566"; port 0 picks one). Each
// request is logged to logTo as one line.
func StartEmulator(addr string, logTo io.Writer) (*Emulator, error) {
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
		// A client that hangs up mid-request (a worker stopping during a long poll) is normal: say so on the
		// emulator's log, not on stderr.
		ErrorLog: log.New(logTo, "proxy: ", 0),
	}
	e := &Emulator{
		URL:  "http://" + ln.Addr().String(),
		kumo: k,
		srv:  &http.Server{Handler: logRequests(proxy, logTo), ReadHeaderTimeout: 10 * time.Second},
	}
	go func() {
		if err := e.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(logTo, "emulator proxy stopped: %v\n", err)
		}
	}()
	return e, nil
}

// Close stops the proxy, waiting for requests in flight (an SQS long poll may take up to 20 s, so ctx should
// bound it), then kumo.
func (e *Emulator) Close(ctx context.Context) error {
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
