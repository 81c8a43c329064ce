// Package renderqueue bounds how many PDFs the pdf service renders at once.
//
// A render is CPU-bound and allocates most of a megabyte. Started all at
// once, fifty renders share two cores and the collector's assists land on
// whichever of them happens to allocate, so the slowest wait many times the
// median. Served one per core in arrival order, a render's latency is its
// place in the queue times the render time: ordinary queueing, with a tail
// close to the mean. Past a bounded wait the queue answers ErrBusy (a 503
// with Retry-After) instead of letting the backlog grow without end.
package renderqueue

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
)

// Defaults of Limits.
const (
	DefaultMaxQueued = 256
	DefaultMaxWait   = 2 * time.Second
)

// Limits shape a Queue; zero fields take the defaults.
type Limits struct {
	// Workers is how many renders run at once: about one per core
	// (default GOMAXPROCS).
	Workers int
	// MaxQueued is how many renders may wait for a worker; beyond it a
	// render is refused at once.
	MaxQueued int
	// MaxWait is how long a render waits for a worker before it is
	// refused.
	MaxWait time.Duration
}

func (l Limits) withDefaults() Limits {
	if l.Workers <= 0 {
		l.Workers = runtime.GOMAXPROCS(0)
	}
	if l.MaxQueued <= 0 {
		l.MaxQueued = DefaultMaxQueued
	}
	if l.MaxWait <= 0 {
		l.MaxWait = DefaultMaxWait
	}
	return l
}

// Counter counts refused renders; a Prometheus counter is one.
type Counter interface{ Inc() }

// Queue is an app.Renderer that runs the renders of another one at most
// Workers at a time, first come first served.
type Queue struct {
	next    app.Renderer
	limits  Limits
	slots   chan struct{} // a token per running render
	waiting atomic.Int64
	refused Counter
}

// New returns a Queue in front of next. refused, when not nil, counts the
// renders refused because the queue was full or the wait too long.
func New(next app.Renderer, l Limits, refused Counter) *Queue {
	l = l.withDefaults()
	return &Queue{next: next, limits: l, slots: make(chan struct{}, l.Workers), refused: refused}
}

// Render waits for a worker, then renders. It answers app.ErrBusy when
// MaxQueued renders are already waiting or none frees within MaxWait, and
// ctx's error when the caller gives up first.
func (q *Queue) Render(ctx context.Context, p domain.Profile, generatedAt time.Time) ([]byte, error) {
	if err := q.acquire(ctx); err != nil {
		return nil, err
	}
	defer func() { <-q.slots }()
	return q.next.Render(ctx, p, generatedAt)
}

// Waiting is how many renders wait for a worker now.
func (q *Queue) Waiting() int { return int(q.waiting.Load()) }

// acquire takes a slot. Blocked senders on a channel are woken in the order
// they blocked, and a freed slot goes to the first of them, never to a
// newcomer: the queue is FIFO without a lock of its own.
func (q *Queue) acquire(ctx context.Context) error {
	select {
	case q.slots <- struct{}{}:
		return nil
	default:
	}
	if q.waiting.Add(1) > int64(q.limits.MaxQueued) {
		q.waiting.Add(-1)
		return q.refuse("%d renders already waiting", q.limits.MaxQueued)
	}
	defer q.waiting.Add(-1)
	timer := time.NewTimer(q.limits.MaxWait)
	defer timer.Stop()
	select {
	case q.slots <- struct{}{}:
		return nil
	case <-timer.C:
		return q.refuse("no renderer free within %s", q.limits.MaxWait)
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (q *Queue) refuse(format string, args ...any) error {
	if q.refused != nil {
		q.refused.Inc()
	}
	return fmt.Errorf("render queue: %s: %w", fmt.Sprintf(format, args...), app.ErrBusy)
}

// Interface guard: a Queue stands where the app expects its Renderer.
var _ app.Renderer = (*Queue)(nil)
