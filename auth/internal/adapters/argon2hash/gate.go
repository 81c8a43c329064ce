package argon2hash

import (
	"context"
	"fmt"
	"sync"
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

	idleAfter time.Duration
	onIdle    func()
	idleMu    sync.Mutex
	idleTimer *time.Timer
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

// OnIdle makes the gate call fn once no hash has run for `after` since the
// last one finished. Call it before the gate is used.
func (g *Gate) OnIdle(after time.Duration, fn func()) { g.idleAfter, g.onIdle = after, fn }

func (g *Gate) release() {
	<-g.slots
	if g.onIdle == nil {
		return
	}
	// Every release re-arms the timer, so under steady load it never fires.
	g.idleMu.Lock()
	defer g.idleMu.Unlock()
	if g.idleTimer == nil {
		g.idleTimer = time.AfterFunc(g.idleAfter, g.fireIdle)
		return
	}
	g.idleTimer.Reset(g.idleAfter)
}

// fireIdle skips a hash still running (a long one): its release re-arms.
func (g *Gate) fireIdle() {
	if g.Running() == 0 && g.Waiting() == 0 {
		g.onIdle()
	}
}

// Waiting is the number of hashes queued for a slot (a metric).
func (g *Gate) Waiting() int { return int(g.waiting.Load()) }

// Running is the number of hashes in progress (a metric).
func (g *Gate) Running() int { return len(g.slots) }
