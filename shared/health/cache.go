package health

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrPending marks a failure the process knows of without asking the
// dependency, such as its set-up still running in the background. Such a
// result is not cached: it costs the dependency nothing, and the probe
// after the set-up ends must see it.
var ErrPending = errors.New("pending")

// CacheTTL is how long a passing check's result answers /readyz: a flood
// of probes then costs each dependency about one call a second, while an
// orchestrator probing every few seconds still sees every change.
const CacheTTL = time.Second

// A failing check's result is kept for a tenth of the TTL: a flood of
// probes still costs a down dependency at most ten calls a second, but a
// replica that probed once before its queue was set up, or whose
// dependency has just come back, turns ready within 100 ms instead of a
// whole second later.
const failureShare = 10

// Cached returns checks whose results are each reused for ttl (a failure
// for ttl/10). Probes that
// arrive while a check runs wait for it rather than start their own.
func (c Checks) Cached(ttl time.Duration) Checks {
	out := make(Checks, len(c))
	for name, check := range c {
		out[name] = cache(check, ttl, time.Now)
	}
	return out
}

// cachedCheck is one check and its last result.
type cachedCheck struct {
	check func(context.Context) error
	ttl   time.Duration
	now   func() time.Time

	mu      sync.Mutex
	at      time.Time     // when err was found; zero: never
	err     error         // the last result
	running chan struct{} // closed when the run in flight ends; nil: none
}

func cache(check func(context.Context) error, ttl time.Duration, now func() time.Time) func(context.Context) error {
	c := &cachedCheck{check: check, ttl: ttl, now: now}
	return c.run
}

// fresh is how long the last result answers; c.mu must be held.
func (c *cachedCheck) fresh() time.Duration {
	if c.err != nil {
		return c.ttl / failureShare
	}
	return c.ttl
}

func (c *cachedCheck) run(ctx context.Context) error {
	c.mu.Lock()
	for {
		if !c.at.IsZero() && c.now().Sub(c.at) < c.fresh() {
			err := c.err
			c.mu.Unlock()
			return err
		}
		if c.running == nil {
			break
		}
		wait := c.running
		c.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return ctx.Err()
		}
		c.mu.Lock()
	}
	done := make(chan struct{})
	c.running = done
	c.mu.Unlock()

	// Not the caller's context alone: its result answers other probes, so
	// one caller hanging up must not make it a failure for all of them.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), Timeout)
	err := c.check(cctx)
	cancel()

	c.mu.Lock()
	c.at, c.err, c.running = c.now(), err, nil
	if errors.Is(err, ErrPending) {
		c.at = time.Time{}
	}
	c.mu.Unlock()
	close(done)
	return err
}
