// Package periodic runs a function at a fixed interval until its context
// ends: the background rounds of a service (sweeps, relays, reloads).
package periodic

import (
	"context"
	"time"
)

// Run calls fn every interval, the first time one interval from now, until
// ctx ends. A round that overruns the interval delays the next; rounds never
// overlap.
func Run(ctx context.Context, interval time.Duration, fn func(context.Context)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn(ctx)
		}
	}
}
