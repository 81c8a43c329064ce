package periodic

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// The tests run in a synctest bubble: its clock moves only when every
// goroutine in it is blocked, so intervals of an hour take no real time
// and the counts are exact.

func TestRunCallsEveryIntervalUntilCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		start := time.Now()
		var at []time.Duration
		done := make(chan struct{})
		go func() {
			Run(ctx, time.Minute, func(context.Context) {
				at = append(at, time.Since(start))
				if len(at) == 3 {
					cancel()
				}
			})
			close(done)
		}()
		<-done // returns only if Run does
		want := []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute}
		if len(at) != len(want) {
			t.Fatalf("calls at %v, want %v", at, want)
		}
		for i := range want {
			if at[i] != want[i] {
				t.Fatalf("calls at %v, want %v", at, want)
			}
		}
	})
}

func TestRunWaitsOneIntervalFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour-time.Nanosecond)
		defer cancel()
		called := false
		Run(ctx, time.Hour, func(context.Context) { called = true })
		if called {
			t.Fatal("fn ran before the first interval had passed")
		}
	})
}
