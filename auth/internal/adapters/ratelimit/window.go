// Package ratelimit counts attempts per key in fixed time windows, in
// memory. One process's view is enough for login throttling: with several
// replicas each enforces the limit on its own share of the traffic.
package ratelimit

import (
	"sync"
	"time"

	"prana/auth/internal/app"
)

// Window allows `limit` attempts per key in each window of length `per`.
type Window struct {
	limit int
	per   time.Duration
	now   func() time.Time

	mu        sync.Mutex
	counters  map[string]*counter
	lastSweep time.Time
}

type counter struct {
	start time.Time
	n     int
}

// New returns a limiter of limit attempts per window. limit <= 0 means no
// limit.
func New(limit int, per time.Duration) *Window {
	return &Window{limit: limit, per: per, now: time.Now, counters: map[string]*counter{}}
}

// Allow records an attempt for key.
func (w *Window) Allow(key string) (bool, time.Duration) {
	if w.limit <= 0 {
		return true, 0
	}
	now := w.now()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sweep(now)
	c := w.counters[key]
	if c == nil || now.Sub(c.start) >= w.per {
		c = &counter{start: now}
		w.counters[key] = c
	}
	if c.n >= w.limit {
		return false, c.start.Add(w.per).Sub(now)
	}
	c.n++
	return true, 0
}

// sweep drops expired counters once per window, so keys an attacker sprays
// (one per made-up email) cannot grow the map without bound.
func (w *Window) sweep(now time.Time) {
	if now.Sub(w.lastSweep) < w.per {
		return
	}
	w.lastSweep = now
	for k, c := range w.counters {
		if now.Sub(c.start) >= w.per {
			delete(w.counters, k)
		}
	}
}

var _ app.RateLimiter = (*Window)(nil)
