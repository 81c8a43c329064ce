// Package health runs the readiness checks behind /readyz.
package health

import (
	"context"
	"sync"
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
	var mu sync.Mutex
	var wg sync.WaitGroup
	out, ok := make(map[string]string, len(c)), true
	for name, check := range c {
		wg.Go(func() {
			state := "ok"
			if err := check(ctx); err != nil {
				state = "unavailable"
			}
			mu.Lock()
			defer mu.Unlock()
			out[name] = state
			ok = ok && state == "ok"
		})
	}
	wg.Wait()
	return out, ok
}
