package health

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A flood of probes within the cache's lifetime makes one call to the
// dependency; once it has aged, the next probe makes the next call. A
// failure is cached too, for a tenth of the time.
func TestCachedCheckCountsCalls(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var fail atomic.Bool
	now := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	var clock sync.Mutex
	tick := func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	advance := func(d time.Duration) { clock.Lock(); now = now.Add(d); clock.Unlock() }
	check := cache(func(context.Context) error {
		calls.Add(1)
		if fail.Load() {
			return errors.New("down")
		}
		return nil
	}, time.Second, tick)

	probe := func(n int) {
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() { defer wg.Done(); _ = check(context.Background()) }()
		}
		wg.Wait()
	}
	probe(500)
	if n := calls.Load(); n != 1 {
		t.Fatalf("500 probes within the TTL made %d calls, want 1", n)
	}
	advance(999 * time.Millisecond)
	probe(10)
	if n := calls.Load(); n != 1 {
		t.Fatalf("probes just before the TTL ends made %d calls in all, want 1", n)
	}
	fail.Store(true)
	advance(time.Millisecond)
	probe(10)
	if n := calls.Load(); n != 2 {
		t.Fatalf("after the TTL: %d calls in all, want 2", n)
	}
	if err := check(context.Background()); err == nil {
		t.Error("the failure was not reported")
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("a cached failure made another call: %d in all", n)
	}
	advance(99 * time.Millisecond)
	probe(10)
	if n := calls.Load(); n != 2 {
		t.Errorf("probes within a failure's 100 ms made %d calls in all, want 2", n)
	}
	fail.Store(false)
	advance(time.Millisecond)
	if err := check(context.Background()); err != nil {
		t.Errorf("100 ms after a failure, the recovered check still reports %v", err)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("after a failure's 100 ms: %d calls in all, want 3", n)
	}
}

// A failure the process knew of without asking (ErrPending) is not kept:
// the next probe runs the check again, and sees the set-up that has just
// ended.
func TestCachedCheckKeepsNoPendingFailure(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var setUp atomic.Bool
	now := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	check := cache(func(context.Context) error {
		calls.Add(1)
		if !setUp.Load() {
			return fmt.Errorf("%w: queue not set up yet", ErrPending)
		}
		return nil
	}, time.Second, func() time.Time { return now })

	if err := check(context.Background()); !errors.Is(err, ErrPending) {
		t.Fatalf("before the set-up: %v, want ErrPending", err)
	}
	setUp.Store(true)
	if err := check(context.Background()); err != nil {
		t.Fatalf("the probe right after the set-up ended: %v, want ready", err)
	}
	_ = check(context.Background())
	if n := calls.Load(); n != 2 {
		t.Errorf("%d calls, want 2: the pass is cached as usual", n)
	}
}

// Probes that find a check running wait for its result instead of
// starting their own.
func TestCachedCheckSharesRunInFlight(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	release := make(chan struct{})
	check := cache(func(context.Context) error {
		calls.Add(1)
		<-release
		return nil
	}, time.Second, time.Now)
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); _ = check(context.Background()) }()
	}
	time.Sleep(50 * time.Millisecond) // let them pile up behind the first
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("50 concurrent probes made %d calls, want 1", n)
	}
}

// Checks.Cached keeps each check's name and result.
func TestChecksCached(t *testing.T) {
	t.Parallel()
	c := Checks{"a": func(context.Context) error { return nil }, "b": func(context.Context) error { return errors.New("x") }}.Cached(time.Second)
	states, ok := c.Run(context.Background())
	if ok || states["a"] != "ok" || states["b"] != "unavailable" {
		t.Errorf("states %v ok %v", states, ok)
	}
}
