package ratelimit

import (
	"testing"
	"time"
)

func TestWindowLimitsPerKeyAndResets(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	w := New(2, time.Minute)
	w.now = func() time.Time { return now }
	for i := range 2 {
		if ok, _ := w.Allow("a"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	ok, wait := w.Allow("a")
	if ok || wait != time.Minute {
		t.Fatalf("third attempt: ok=%v wait=%v; want refused for 1m", ok, wait)
	}
	if ok, _ := w.Allow("b"); !ok {
		t.Fatal("another key was limited")
	}
	now = now.Add(45 * time.Second)
	if _, wait := w.Allow("a"); wait != 15*time.Second {
		t.Fatalf("retry-after %v, want 15s", wait)
	}
	now = now.Add(15 * time.Second)
	if ok, _ := w.Allow("a"); !ok {
		t.Fatal("not reset after the window")
	}
}

func TestWindowSweepsExpiredKeys(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	w := New(1, time.Second)
	w.now = func() time.Time { return now }
	for i := range 1000 {
		w.Allow(string(rune('a'+i%26)) + time.Duration(i).String())
	}
	now = now.Add(2 * time.Second)
	w.Allow("fresh")
	if n := len(w.counters); n != 1 {
		t.Fatalf("%d counters kept after the window, want 1", n)
	}
}

func TestZeroLimitMeansUnlimited(t *testing.T) {
	t.Parallel()
	w := New(0, time.Minute)
	for range 100 {
		if ok, _ := w.Allow("k"); !ok {
			t.Fatal("limited with limit 0")
		}
	}
}
