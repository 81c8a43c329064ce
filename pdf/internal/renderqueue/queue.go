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
	"container/list"
	"context"
	"fmt"
	"runtime"
	"sync"
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
	refused Counter

	mu      sync.Mutex
	running int       // renders holding a worker
	waiters list.List // of chan struct{}, one per waiting render, oldest first
}

// New returns a Queue in front of next. refused, when not nil, counts the
// renders refused because the queue was full or the wait too long.
func New(next app.Renderer, l Limits, refused Counter) *Queue {
	return &Queue{next: next, limits: l.withDefaults(), refused: refused}
}

// Render waits for a worker, then renders. It answers app.ErrBusy when
// MaxQueued renders are already waiting or none frees within MaxWait, and
// ctx's error when the caller gives up first.
func (q *Queue) Render(ctx context.Context, p domain.Profile, generatedAt time.Time) ([]byte, error) {
	if err := q.acquire(ctx); err != nil {
		return nil, err
	}
	defer q.release()
	return q.next.Render(ctx, p, generatedAt)
}

// Waiting is how many renders wait for a worker now.
func (q *Queue) Waiting() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.waiters.Len()
}

// acquire takes a worker, at once when one is free and nobody waits, else
// in line behind those already waiting. The line is an explicit list, so
// a render counts as waiting from the moment it holds its place.
func (q *Queue) acquire(ctx context.Context) error {
	q.mu.Lock()
	if q.running < q.limits.Workers && q.waiters.Len() == 0 {
		q.running++
		q.mu.Unlock()
		return nil
	}
	if q.waiters.Len() >= q.limits.MaxQueued {
		q.mu.Unlock()
		return q.refuse("%d renders already waiting", q.limits.MaxQueued)
	}
	ready := make(chan struct{})
	place := q.waiters.PushBack(ready)
	q.mu.Unlock()

	timer := time.NewTimer(q.limits.MaxWait)
	defer timer.Stop()
	var err error
	select {
	case <-ready:
		return nil
	case <-timer.C:
		err = q.refuse("no renderer free within %s", q.limits.MaxWait)
	case <-ctx.Done():
		err = ctx.Err()
	}
	q.leave(place, ready)
	return err
}

// release hands the worker to the oldest waiting render, or frees it.
func (q *Queue) release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if first := q.waiters.Front(); first != nil {
		close(q.waiters.Remove(first).(chan struct{}))
		return
	}
	q.running--
}

// leave takes a render that gave up out of the line. If a worker was
// handed to it in the meantime, it passes the worker on.
func (q *Queue) leave(place *list.Element, ready chan struct{}) {
	q.mu.Lock()
	select {
	case <-ready: // handed a worker after all; release takes the lock
		q.mu.Unlock()
		q.release()
	default:
		q.waiters.Remove(place)
		q.mu.Unlock()
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
