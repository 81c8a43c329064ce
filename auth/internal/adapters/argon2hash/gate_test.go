package argon2hash

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestGateOnIdleFiresOnceAfterTheLastHash: the idle hook runs after hashing
// stops, once per quiet spell, and not while hashes keep coming.
func TestGateOnIdleFiresOnceAfterTheLastHash(t *testing.T) {
	g := NewGate(2, 2, time.Second)
	var fired atomic.Int32
	g.OnIdle(time.Second, func() { fired.Add(1) })
	for range 5 { // a burst shorter than the idle delay
		release, err := g.Enter(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		release()
		time.Sleep(10 * time.Millisecond)
	}
	if n := fired.Load(); n != 0 {
		t.Fatalf("hook ran %d times during the burst", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for fired.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if n := fired.Load(); n != 1 {
		t.Fatalf("hook ran %d times after the burst, want once", n)
	}
}
