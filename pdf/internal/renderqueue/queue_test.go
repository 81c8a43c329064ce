package renderqueue

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
)

// gatedRenderer renders only when released, recording the order in which
// renders started and the most that ran at once.
type gatedRenderer struct {
	release chan struct{}
	started chan string

	running, peak atomic.Int64
}

func newGatedRenderer() *gatedRenderer {
	return &gatedRenderer{release: make(chan struct{}), started: make(chan string, 64)}
}

func (g *gatedRenderer) Render(ctx context.Context, p domain.Profile, _ time.Time) ([]byte, error) {
	n := g.running.Add(1)
	defer g.running.Add(-1)
	for {
		old := g.peak.Load()
		if n <= old || g.peak.CompareAndSwap(old, n) {
			break
		}
	}
	g.started <- p.UserID
	select {
	case <-g.release:
		return []byte("%PDF " + p.UserID), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type count struct{ n atomic.Int64 }

func (c *count) Inc() { c.n.Add(1) }

// waitFor polls cond until it holds; a queue's state changes on other
// goroutines.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func render(q *Queue, ctx context.Context, id string) ([]byte, error) {
	return q.Render(ctx, domain.Profile{UserID: id}, time.Time{})
}

func TestQueueRunsAtMostWorkersInArrivalOrder(t *testing.T) {
	t.Parallel()
	g := newGatedRenderer()
	q := New(g, Limits{Workers: 2, MaxQueued: 10, MaxWait: time.Minute}, nil)
	ids := []string{"a", "b", "c", "d", "e", "f"}
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			doc, err := render(q, context.Background(), id)
			if err == nil && string(doc) != "%PDF "+id {
				err = errors.New("wrong document for " + id)
			}
			errs <- err
		}()
		// Each caller arrives after the one before has started or queued.
		waitFor(t, "caller "+id+" to arrive", func() bool {
			return int(g.running.Load())+q.Waiting() == i+1
		})
	}
	var order []string
	for range ids {
		if len(order) >= 2 {
			g.release <- struct{}{}
		}
		order = append(order, <-g.started)
	}
	for range 2 {
		g.release <- struct{}{}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if p := g.peak.Load(); p != 2 {
		t.Errorf("%d renders ran at once, want 2 (Workers)", p)
	}
	// The first two start together in either order; the rest in arrival order.
	if got := order[2:]; !slices.Equal(got, ids[2:]) {
		t.Errorf("queued renders started in order %v, want %v", got, ids[2:])
	}
}

func TestQueueRefusesBeyondMaxQueuedAtOnce(t *testing.T) {
	t.Parallel()
	g := newGatedRenderer()
	refused := &count{}
	q := New(g, Limits{Workers: 1, MaxQueued: 1, MaxWait: time.Minute}, refused)
	done := make(chan error, 2)
	go func() { _, err := render(q, context.Background(), "running"); done <- err }()
	<-g.started
	go func() { _, err := render(q, context.Background(), "waiting"); done <- err }()
	waitFor(t, "one render to wait", func() bool { return q.Waiting() == 1 })

	start := time.Now()
	_, err := render(q, context.Background(), "third")
	if !errors.Is(err, app.ErrBusy) {
		t.Fatalf("third render: %v, want ErrBusy", err)
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("a full queue made the caller wait %s instead of refusing at once", time.Since(start))
	}
	if refused.n.Load() != 1 {
		t.Errorf("refused counter %d, want 1", refused.n.Load())
	}
	g.release <- struct{}{}
	<-g.started
	g.release <- struct{}{}
	for range 2 {
		if err := <-done; err != nil {
			t.Errorf("a render within the limits failed: %v", err)
		}
	}
}

func TestQueueRefusesAfterMaxWait(t *testing.T) {
	t.Parallel()
	g := newGatedRenderer()
	q := New(g, Limits{Workers: 1, MaxQueued: 5, MaxWait: 20 * time.Millisecond}, nil)
	go func() { _, _ = render(q, context.Background(), "slow") }()
	<-g.started
	if _, err := render(q, context.Background(), "late"); !errors.Is(err, app.ErrBusy) {
		t.Fatalf("render after MaxWait: %v, want ErrBusy", err)
	}
	if q.Waiting() != 0 {
		t.Errorf("a refused render still counts as waiting (%d)", q.Waiting())
	}
	g.release <- struct{}{}
	// The worker is free again: the next render goes through.
	go func() { <-g.started; g.release <- struct{}{} }()
	if _, err := render(q, context.Background(), "next"); err != nil {
		t.Fatalf("render once the worker is free: %v", err)
	}
}

func TestQueueGivesUpWhenTheCallerDoes(t *testing.T) {
	t.Parallel()
	g := newGatedRenderer()
	refused := &count{}
	q := New(g, Limits{Workers: 1, MaxWait: time.Minute}, refused)
	go func() { _, _ = render(q, context.Background(), "running") }()
	<-g.started
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := render(q, ctx, "gone"); done <- err }()
	waitFor(t, "the render to wait", func() bool { return q.Waiting() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("render whose caller left: %v, want context.Canceled", err)
	}
	if refused.n.Load() != 0 {
		t.Error("a caller leaving counted as a refusal")
	}
	g.release <- struct{}{}
}

func TestLimitsDefaults(t *testing.T) {
	t.Parallel()
	l := Limits{}.withDefaults()
	if l.Workers < 1 || l.MaxQueued != DefaultMaxQueued || l.MaxWait != DefaultMaxWait {
		t.Errorf("defaults %+v", l)
	}
}

// TestQueuePassesOnAWorkerHandedToAQuitter: a render that gives up just as
// a worker is handed to it passes the worker on, so no worker is lost.
func TestQueuePassesOnAWorkerHandedToAQuitter(t *testing.T) {
	t.Parallel()
	q := New(newGatedRenderer(), Limits{Workers: 1}, nil)
	if err := q.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	q.mu.Lock()
	place := q.waiters.PushBack(ready)
	q.mu.Unlock()
	q.release()           // the worker goes to the waiting render...
	q.leave(place, ready) // ...which has given up meanwhile
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := q.acquire(ctx); err != nil {
		t.Fatalf("the worker was lost: %v", err)
	}
	if q.running != 1 || q.Waiting() != 0 {
		t.Errorf("%d running and %d waiting, want 1 and 0", q.running, q.Waiting())
	}
}
