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
// memory cost however many requests arrive. BoundMemory bounds it by the
// hashes' memory too (see gate_memory.go).
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
	memory  memoryBound  // guarded by mu

	idleAfter time.Duration
	onIdle    func()
	idleTimer *time.Timer // guarded by mu
}

// waiter is one hash waiting for a slot; granted is closed when it has one.
// collect, set before granted is closed, says the hash must first have the
// garbage of earlier hashes collected.
type waiter struct {
	granted chan struct{}
	memory  int64
	collect bool
}

const (
	normalLine = 0
	lowLine    = 1
)

// NewGate returns a gate with the given number of slots and queue places.
func NewGate(slots, queue int, maxWait time.Duration) *Gate {
	return &Gate{slots: slots, queue: queue, maxWait: maxWait}
}

// Enter blocks until a slot is free, and the memory bound allows a hash of
// memory bytes, and returns the function that frees it.
func (g *Gate) Enter(ctx context.Context, memory int64) (release func(), err error) {
	line := normalLine
	if app.LowHashPriority(ctx) {
		line = lowLine
	}
	w, err := g.join(line, memory)
	if err != nil {
		return nil, err
	}
	if w.granted == nil {
		return g.granted(w), nil
	}
	timer := time.NewTimer(g.maxWait)
	defer timer.Stop()
	select {
	case <-w.granted:
		return g.granted(w), nil
	case <-timer.C:
		if g.leave(line, w) {
			return nil, fmt.Errorf("password hashing wait exceeded %s: %w", g.maxWait, app.ErrBusy)
		}
		return g.granted(w), nil // granted as the timer fired: take it
	case <-ctx.Done():
		if !g.leave(line, w) {
			// Granted as ctx ended: hand it on, having collected the garbage
			// its grant counted as gone.
			g.granted(w)()
		}
		return nil, ctx.Err()
	}
}

// granted runs the collection w was granted with, if any, and returns its
// release.
func (g *Gate) granted(w *waiter) func() {
	if w.collect {
		g.memory.collect()
	}
	return func() { g.release(w.memory) }
}

// join takes a free slot (a waiter without granted channel) when no one
// waits ahead and the hash fits, or queues a waiter in line; a full line is
// ErrBusy.
func (g *Gate) join(line int, memory int64) (*waiter, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.lines[normalLine])+len(g.lines[lowLine]) == 0 && g.fits(memory) {
		return &waiter{memory: memory, collect: g.admit(memory)}, nil
	}
	if len(g.lines[line]) >= g.queue {
		return nil, fmt.Errorf("password hashing queue full: %w", app.ErrBusy)
	}
	w := &waiter{granted: make(chan struct{}), memory: memory}
	g.lines[line] = append(g.lines[line], w)
	return w, nil
}

// leave takes w out of line and reports whether it was still waiting
// (false: a release granted it a slot meanwhile). A waiter held back
// behind w (w's hash did not fit yet) may start now.
func (g *Gate) leave(line int, w *waiter) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, x := range g.lines[line] {
		if x == w {
			g.lines[line] = append(g.lines[line][:i], g.lines[line][i+1:]...)
			g.grantWaiters()
			return true
		}
	}
	return false
}

// OnIdle makes the gate call fn once no hash has run for `after` since the
// last one finished. Call it before the gate is used.
func (g *Gate) OnIdle(after time.Duration, fn func()) { g.idleAfter, g.onIdle = after, fn }

// release frees a hash's slot and memory and hands them to the waiters
// that now fit, normal line first, in order: a waiter that does not fit yet
// holds back those behind it, so a big hash is not starved by small ones.
func (g *Gate) release(memory int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running--
	g.memory.finished(memory)
	if !g.grantWaiters() {
		g.armIdle()
	}
}

// grantWaiters hands slots to the waiters at the head of the lines while
// they fit and reports whether any got one. Called with mu held.
func (g *Gate) grantWaiters() (granted bool) {
	for {
		line := normalLine
		if len(g.lines[line]) == 0 {
			line = lowLine
		}
		if len(g.lines[line]) == 0 || !g.fits(g.lines[line][0].memory) {
			break
		}
		w := g.lines[line][0]
		g.lines[line] = g.lines[line][1:]
		w.collect = g.admit(w.memory)
		close(w.granted)
		granted = true
	}
	return granted
}

// fits reports whether a hash of memory bytes may start now. Called with
// mu held.
func (g *Gate) fits(memory int64) bool {
	return g.running < g.slots && g.memory.fits(memory, g.running)
}

// admit counts a hash as running and reports whether it must have garbage
// collected before it allocates. Called with mu held.
func (g *Gate) admit(memory int64) (collect bool) {
	g.running++
	return g.memory.start(memory)
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
