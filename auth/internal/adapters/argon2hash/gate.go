package argon2hash

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"prana/auth/internal/app"
)

// Gate admits at most `slots` hashes at once and lets at most `queue` more
// wait. Beyond that, and for a waiter that waited maxWait, it answers
// app.ErrBusy at once: memory stays bounded by slots × memory cost however
// many requests arrive.
type Gate struct {
	slots   chan struct{}
	waiting atomic.Int64
	queue   int64
	maxWait time.Duration
}

// NewGate returns a gate with the given number of slots and queue places.
func NewGate(slots, queue int, maxWait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, slots), queue: int64(queue), maxWait: maxWait}
}

// Enter blocks until a slot is free and returns the function that frees it.
func (g *Gate) Enter(ctx context.Context) (release func(), err error) {
	select {
	case g.slots <- struct{}{}:
		return g.release, nil
	default:
	}
	if g.waiting.Add(1) > g.queue {
		g.waiting.Add(-1)
		return nil, fmt.Errorf("password hashing queue full: %w", app.ErrBusy)
	}
	defer g.waiting.Add(-1)
	timer := time.NewTimer(g.maxWait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.release, nil
	case <-timer.C:
		return nil, fmt.Errorf("password hashing wait exceeded %s: %w", g.maxWait, app.ErrBusy)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (g *Gate) release() { <-g.slots }

// Waiting is the number of hashes queued for a slot (a metric).
func (g *Gate) Waiting() int { return int(g.waiting.Load()) }

// Running is the number of hashes in progress (a metric).
func (g *Gate) Running() int { return len(g.slots) }
