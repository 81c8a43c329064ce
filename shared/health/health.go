// Package health runs the readiness checks behind /readyz.
package health

import (
	"context"
	"time"
)

// Timeout bounds the whole readiness check, so /readyz answers promptly
// even when a dependency hangs.
const Timeout = 2 * time.Second

// Checks names each dependency's check.
type Checks map[string]func(context.Context) error

// Run runs every check concurrently and reports each one's state ("ok" or
// "unavailable") and whether all passed.
func (c Checks) Run(ctx context.Context) (map[string]string, bool) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	type result struct {
		name string
		ok   bool
	}
	// Buffered, so a check that ignores ctx and finishes late does not
	// block forever on a reader that has gone.
	results := make(chan result, len(c))
	for name, check := range c {
		go func() { results <- result{name, check(ctx) == nil} }()
	}
	out, all := make(map[string]string, len(c)), true
	for name := range c {
		out[name] = "unavailable" // until it answers in time
	}
	for range c {
		select {
		case r := <-results:
			if r.ok {
				out[r.name] = "ok"
			}
		case <-ctx.Done():
		}
	}
	for _, state := range out {
		all = all && state == "ok"
	}
	return out, all
}
