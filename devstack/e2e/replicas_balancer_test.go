package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// backendHeader names the replica that answered (its index), on every
// answer of a balancer, errors included, so a client can tell whose
// connection failed.
const backendHeader = "X-Test-Backend"

// balancer is a round-robin reverse proxy in front of a service's replicas,
// as a load balancer with passive health checks: a replica that refuses a
// connection is skipped for a while and the request goes to the next one
// (it never reached the refusing replica, so even a POST may be retried).
// A request a replica accepted and then dropped (killed mid-request) is
// answered 502, marked with that replica.
type balancer struct {
	URL      string
	backends []*url.URL

	next      atomic.Uint64
	transport *http.Transport

	mu        sync.Mutex
	downUntil []time.Time
	served    []int
	failed    []int    // 502s: accepted, then dropped
	drops     []string // the first few of them, described
}

// backendKey carries, per request, its *route.
type backendKey struct{}

// route is where one request went: the replica that answered or failed
// last, and each refusal before it.
type route struct {
	last    int
	refused []int
}

func newBalancer(t *testing.T, urls []string) *balancer {
	t.Helper()
	b := &balancer{
		transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 32, DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext},
		downUntil: make([]time.Time, len(urls)),
		served:    make([]int, len(urls)),
		failed:    make([]int, len(urls)),
	}
	for _, u := range urls {
		parsed, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		b.backends = append(b.backends, parsed)
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = "http", "replica.invalid" // chosen in RoundTrip
			r.SetXForwarded()
		},
		Transport: roundTripFunc(b.roundTrip),
		ErrorLog:  log.New(io.Discard, "", 0), // a killed replica's errors are expected
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if rt, ok := r.Context().Value(backendKey{}).(*route); ok && rt.last >= 0 {
				w.Header().Set(backendHeader, strconv.Itoa(rt.last))
				b.mu.Lock()
				b.failed[rt.last]++
				if len(b.drops) < 5 {
					b.drops = append(b.drops, fmt.Sprintf("%s replica %d (refused before: %v): %s %s (from %s): %v",
						time.Now().Format("15:04:05.000"), rt.last, rt.refused, r.Method, r.URL.Path, r.UserAgent(), err))
				}
				b.mu.Unlock()
			}
			w.WriteHeader(http.StatusBadGateway)
		},
		ModifyResponse: func(resp *http.Response) error {
			if rt, ok := resp.Request.Context().Value(backendKey{}).(*route); ok {
				resp.Header.Set(backendHeader, strconv.Itoa(rt.last))
			}
			return nil
		},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), backendKey{}, &route{last: -1})))
	}))
	t.Cleanup(func() { srv.Close(); b.transport.CloseIdleConnections() })
	b.URL = srv.URL
	return b
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// roundTrip sends r to the next replica in turn that is not marked down,
// moving on to the next when one refuses the connection.
func (b *balancer) roundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
		r.Body.Close()
	}
	rt, _ := r.Context().Value(backendKey{}).(*route)
	if rt == nil {
		rt = &route{}
	}
	var lastErr error
	for range len(b.backends) {
		i := b.pick()
		rt.last = i
		out := r.Clone(r.Context())
		out.URL.Host = b.backends[i].Host
		out.Host = b.backends[i].Host
		if body != nil {
			out.Body = io.NopCloser(bytes.NewReader(body))
			out.ContentLength = int64(len(body))
		}
		resp, err := b.transport.RoundTrip(out)
		if err == nil {
			b.mu.Lock()
			b.served[i]++
			b.mu.Unlock()
			return resp, nil
		}
		lastErr = err
		var opErr *net.OpError
		if !errors.As(err, &opErr) || opErr.Op != "dial" {
			return nil, err // accepted, then dropped: the client sees it
		}
		b.markDown(i)
		rt.refused = append(rt.refused, i)
	}
	return nil, lastErr
}

// pick is the next replica in turn not marked down (any, if all are).
func (b *balancer) pick() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	for range len(b.backends) {
		i := int(b.next.Add(1)-1) % len(b.backends)
		if now.After(b.downUntil[i]) {
			return i
		}
	}
	return int(b.next.Add(1)-1) % len(b.backends)
}

func (b *balancer) markDown(i int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.downUntil[i] = time.Now().Add(2 * time.Second)
}

// reset forgets the counts so far (the pdf replicas' JWKS fetches refused
// while auth was starting, say).
func (b *balancer) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	clear(b.served)
	clear(b.failed)
	b.drops = nil
}

// stats are the answers each replica gave, the requests it dropped, and
// the first few drops described.
func (b *balancer) stats() (served, failed []int, drops []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.served), slices.Clone(b.failed), slices.Clone(b.drops)
}
