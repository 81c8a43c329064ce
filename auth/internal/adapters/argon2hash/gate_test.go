package argon2hash

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestGateOnIdleFiresOnceAfterTheLastHash: the idle hook runs after hashing
// stops, once per quiet spell, and not while hashes keep coming. It runs in
// a synctest bubble, whose clock moves only when every goroutine in it
// waits: the times are exact and take no real time.
func TestGateOnIdleFiresOnceAfterTheLastHash(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := NewGate(2, 2, time.Second)
		var fired atomic.Int32
		g.OnIdle(time.Second, func() { fired.Add(1) })
		for range 5 { // a burst of hashes 900 ms apart: never a quiet second
			release, err := g.Enter(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			release()
			time.Sleep(900 * time.Millisecond)
			synctest.Wait()
		}
		if n := fired.Load(); n != 0 {
			t.Fatalf("hook ran %d times during the burst", n)
		}
		time.Sleep(100 * time.Millisecond) // one second after the last release
		synctest.Wait()
		if n := fired.Load(); n != 1 {
			t.Fatalf("hook ran %d times a second after the burst, want once", n)
		}
		time.Sleep(time.Hour)
		synctest.Wait()
		if n := fired.Load(); n != 1 {
			t.Fatalf("hook ran %d times in the quiet hour after, want once", n)
		}
	})
}
