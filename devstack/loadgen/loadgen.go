// Package loadgen is a closed-loop HTTP load generator for loopback benchmarks: N workers each send a request,
// read the whole answer, record its latency and status, and send the next, for a fixed time. Unlike wrk, each
// request is built by a Go function, so every request can carry a different user's token or body.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Request builds the i-th request of worker w. It must be safe for concurrent use by different workers.
type Request func(w, i int) (*http.Request, error)

// Config says how hard and how long to push.
type Config struct {
	Workers  int           // concurrent connections, each with one request in flight
	Duration time.Duration // how long requests are counted
	Warmup   time.Duration // how long requests are sent first without being counted (connections, caches)
	Timeout  time.Duration // bound on one request; 0 means 30 s
	// Observe, when set, is given each answer's body, for requests that
	// depend on the last answer (a refresh token chain). Called by the
	// worker that sent the request.
	Observe func(w, status int, body []byte)
}

// Result is what a run measured.
type Result struct {
	Elapsed  time.Duration // the counted period
	Latency  Histogram     // of answered requests, whatever their status
	Statuses map[int]uint64
	Errors   uint64 // requests that got no HTTP answer (connection refused or reset, timeout)
	// WarmupAnswered counts the answers during the warm-up: the server did that work too, which matters when
	// its CPU time over the whole run is divided among requests.
	WarmupAnswered uint64
	FirstErr       error
}

// Answered is the number of requests that got an HTTP answer.
func (r *Result) Answered() uint64 {
	return r.Latency.Count()
}

// Rate is answered requests per second over the counted period.
func (r *Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Answered()) / r.Elapsed.Seconds()
}

// Only reports whether every request was answered with the given status.
func (r *Result) Only(status int) bool {
	return r.Errors == 0 && r.Statuses[status] == r.Answered() && r.Answered() > 0
}

// NewClient returns a client for loopback load: no proxy, no compression, and enough idle connections kept for
// `conns` workers that none is reopened between requests.
func NewClient(conns int, timeout time.Duration) *http.Client {
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			DisableCompression:  true,
			IdleConnTimeout:     time.Minute,
		},
		// A redirect is an answer to measure, not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Run sends requests from cfg.Workers workers until the warm-up and the counted period have passed or ctx ends.
func Run(ctx context.Context, cfg Config, req Request) (*Result, error) {
	if cfg.Workers < 1 || cfg.Duration <= 0 {
		return nil, errors.New("loadgen: need at least one worker and a positive duration")
	}
	client := NewClient(cfg.Workers, cfg.Timeout)
	defer client.CloseIdleConnections()
	start := time.Now()
	countFrom := start.Add(cfg.Warmup)
	stopAt := countFrom.Add(cfg.Duration)
	ctx, cancel := context.WithDeadline(ctx, stopAt)
	defer cancel()

	parts := make([]*Result, cfg.Workers)
	var wg sync.WaitGroup
	for w := range cfg.Workers {
		parts[w] = &Result{Statuses: map[int]uint64{}}
		wg.Go(func() { work(ctx, client, req, cfg.Observe, w, countFrom, parts[w]) })
	}
	wg.Wait()
	total := merge(parts)
	end := time.Now()
	if end.After(stopAt) {
		end = stopAt // workers finishing their last request do not stretch the period
	}
	total.Elapsed = end.Sub(countFrom)
	if err := context.Cause(ctx); ctx.Err() != nil && !errors.Is(err, context.DeadlineExceeded) {
		return total, err
	}
	return total, nil
}

// work is one worker's loop. A request cut short by the end of the run is neither answered nor an error.
func work(ctx context.Context, client *http.Client, req Request, observe func(int, int, []byte), w int, countFrom time.Time, out *Result) {
	for i := 0; ctx.Err() == nil; i++ {
		r, err := req(w, i)
		if err != nil {
			out.Errors++
			out.FirstErr = cmpErr(out.FirstErr, fmt.Errorf("build request: %w", err))
			return
		}
		sent := time.Now()
		status, body, err := send(client, r.WithContext(ctx), observe != nil)
		took := time.Since(sent)
		if err == nil && observe != nil {
			observe(w, status, body)
		}
		if ctx.Err() != nil {
			return
		}
		if sent.Before(countFrom) {
			if err == nil {
				out.WarmupAnswered++
			}
			continue
		}
		if err != nil {
			out.Errors++
			out.FirstErr = cmpErr(out.FirstErr, err)
			continue
		}
		out.Statuses[status]++
		out.Latency.Record(took)
	}
}

// send is Do, keeping the body when keep is set.
func send(client *http.Client, r *http.Request, keep bool) (int, []byte, error) {
	if !keep {
		status, err := Do(client, r)
		return status, nil, err
	}
	resp, err := client.Do(r)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("read body: %w", err)
	}
	return resp.StatusCode, body, nil
}

// Do sends r and reads the whole body, as a browser or wrk would, and returns the status.
func Do(client *http.Client, r *http.Request) (int, error) {
	resp, err := client.Do(r)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, fmt.Errorf("read body: %w", err)
	}
	return resp.StatusCode, nil
}

func merge(parts []*Result) *Result {
	total := &Result{Statuses: map[int]uint64{}}
	for _, p := range parts {
		total.Latency.Merge(&p.Latency)
		for s, n := range p.Statuses {
			total.Statuses[s] += n
		}
		total.Errors += p.Errors
		total.WarmupAnswered += p.WarmupAnswered
		total.FirstErr = cmpErr(total.FirstErr, p.FirstErr)
	}
	return total
}

// cmpErr keeps the first error seen.
func cmpErr(first, next error) error {
	if first != nil {
		return first
	}
	return next
}
