package argon2hash

import (
	"context"
	"fmt"
	"sync"
	"time"

	"prana/auth/internal/app"
)

// Gate admits at most `slots` hashes at once and lets at most `queue` more
// wait in each of its two lines. Beyond that, and for a waiter that waited
// maxWait, it answers app.ErrBusy at once: memory stays bounded by slots ×
// memory cost however many requests arrive.
//
// A freed slot goes to the first waiter of the normal line, and only when
// that line is empty to the first of the low-priority line (contexts marked
// app.WithLowHashPriority: signups). Anyone can send signups by the
// thousand; with one shared line a flood of them kept correct logins
// waiting until they timed out. Now a login waits for at most the hashes
// already running, and a login flood is bounded by the login limits.
type Gate struct {
	slots   int
	queue   int
	maxWait time.Duration

	mu      sync.Mutex
	running int
	lines   [2][]*waiter // normal, low

	idleAfter time.Duration
	onIdle    func()
	idleTimer *time.Timer // guarded by mu
}

// waiter is one hash waiting for a slot; granted is closed when it has one.
type waiter struct{ granted chan struct{} }

const (
	normalLine = 0
	lowLine    = 1
)

// NewGate returns a gate with the given number of slots and queue places.
func NewGate(slots, queue int, maxWait time.Duration) *Gate {
	return &Gate{slots: slots, queue: queue, maxWait: maxWait}
}

// Enter blocks until a slot is free and returns the function that frees it.
func (g *Gate) Enter(ctx context.Context) (release func(), err error) {
	line := normalLine
	if app.LowHashPriority(ctx) {
		line = lowLine
	}
	w, err := g.join(line)
	if err != nil {
		return nil, err
	}
	if w == nil {
		return g.release, nil
	}
	timer := time.NewTimer(g.maxWait)
	defer timer.Stop()
	select {
	case <-w.granted:
		return g.release, nil
	case <-timer.C:
		if g.leave(line, w) {
			return nil, fmt.Errorf("password hashing wait exceeded %s: %w", g.maxWait, app.ErrBusy)
		}
		return g.release, nil // granted as the timer fired: take it
	case <-ctx.Done():
		if !g.leave(line, w) {
			g.release() // granted as ctx ended: hand it on
		}
		return nil, ctx.Err()
	}
}

// join takes a free slot (nil waiter) when no one waits ahead, or queues a
// waiter in line; a full line is ErrBusy.
func (g *Gate) join(line int) (*waiter, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.running < g.slots && len(g.lines[normalLine])+len(g.lines[lowLine]) == 0 {
		g.running++
		return nil, nil
	}
	if len(g.lines[line]) >= g.queue {
		return nil, fmt.Errorf("password hashing queue full: %w", app.ErrBusy)
	}
	w := &waiter{granted: make(chan struct{})}
	g.lines[line] = append(g.lines[line], w)
	return w, nil
}

// leave takes w out of line and reports whether it was still waiting
// (false: a release granted it a slot meanwhile).
func (g *Gate) leave(line int, w *waiter) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, x := range g.lines[line] {
		if x == w {
			g.lines[line] = append(g.lines[line][:i], g.lines[line][i+1:]...)
			return true
		}
	}
	return false
}

// OnIdle makes the gate call fn once no hash has run for `after` since the
// last one finished. Call it before the gate is used.
func (g *Gate) OnIdle(after time.Duration, fn func()) { g.idleAfter, g.onIdle = after, fn }

// release hands the slot to the next waiter, normal line first, or frees it.
func (g *Gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, line := range []int{normalLine, lowLine} {
		if len(g.lines[line]) > 0 {
			w := g.lines[line][0]
			g.lines[line] = g.lines[line][1:]
			close(w.granted) // the slot passes on: running stays
			return
		}
	}
	g.running--
	g.armIdle()
}

// armIdle (re)starts the idle timer; every release re-arms it, so under
// steady load it never fires. Called with mu held.
func (g *Gate) armIdle() {
	if g.onIdle == nil {
		return
	}
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
func (g *Gate) Waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.lines[normalLine]) + len(g.lines[lowLine])
}

// Running is the number of hashes in progress (a metric).
func (g *Gate) Running() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.running
}
