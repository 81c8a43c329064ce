package argon2hash

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"prana/auth/internal/app"
)

// awaitWaiting yields until g has n waiters, so that each test goroutine
// is queued before the next starts: the queue order is then known.
func awaitWaiting(t *testing.T, g *Gate, n int) {
	t.Helper()
	await(t, func() bool { return g.Waiting() == n }, "waiters queued")
}

func await(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		runtime.Gosched()
	}
}

// TestGateServesLoginsBeforeQueuedSignups: with the only slot taken and
// signups queued first, a login that queues after them gets the next slot;
// the signups follow in their own order. Each goroutine reports its grant
// before it releases, so the reports come in grant order exactly.
func TestGateServesLoginsBeforeQueuedSignups(t *testing.T) {
	t.Parallel()
	g := NewGate(1, 8, time.Hour) // no waiter times out
	hold, err := g.Enter(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	granted := make(chan string)
	enter := func(ctx context.Context, name string) {
		release, err := g.Enter(ctx, 0)
		if err != nil {
			granted <- name + ": " + err.Error()
			return
		}
		granted <- name
		release()
	}
	low := app.WithLowHashPriority(context.Background())
	for i, name := range []string{"signup 1", "signup 2", "signup 3"} {
		go enter(low, name)
		awaitWaiting(t, g, i+1)
	}
	go enter(context.Background(), "login")
	awaitWaiting(t, g, 4)
	hold()
	for _, want := range []string{"login", "signup 1", "signup 2", "signup 3"} {
		if got := <-granted; got != want {
			t.Fatalf("granted %q, want %q next", got, want)
		}
	}
	// The last one releases after reporting: every slot comes back.
	await(t, func() bool { return g.Running() == 0 && g.Waiting() == 0 }, "all released")
}

// TestGateFullSignupLineLeavesRoomForLogins: signups filling their line get
// ErrBusy; a login still queues in its own line and gets the slot.
func TestGateFullSignupLineLeavesRoomForLogins(t *testing.T) {
	t.Parallel()
	g := NewGate(1, 2, time.Hour)
	hold, err := g.Enter(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	low := app.WithLowHashPriority(context.Background())
	ctx, cancel := context.WithCancel(low)
	defer cancel()
	done := make(chan error, 2)
	for i := range 2 {
		go func() { _, err := g.Enter(ctx, 0); done <- err }()
		awaitWaiting(t, g, i+1)
	}
	if _, err := g.Enter(low, 0); !errors.Is(err, app.ErrBusy) {
		t.Fatalf("a third queued signup: %v, want ErrBusy", err)
	}
	login := make(chan error, 1)
	go func() {
		release, err := g.Enter(context.Background(), 0)
		if err == nil {
			release()
		}
		login <- err
	}()
	awaitWaiting(t, g, 3)
	hold()
	if err := <-login; err != nil {
		t.Fatalf("login: %v", err)
	}
	cancel() // the signups still waiting give up; their slots are not lost
	for range 2 {
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("signup: %v", err)
		}
	}
}

// TestGateCancelledWaiterLeavesNoSlotBehind: a waiter whose context ends
// leaves the line; the slot it would have had goes to the next one.
func TestGateCancelledWaiterLeavesNoSlotBehind(t *testing.T) {
	t.Parallel()
	g := NewGate(1, 4, time.Hour)
	hold, err := g.Enter(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan error, 1)
	go func() { _, err := g.Enter(ctx, 0); gone <- err }()
	awaitWaiting(t, g, 1)
	cancel()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	hold()
	if g.Running() != 0 || g.Waiting() != 0 {
		t.Fatalf("%d running, %d waiting, want none", g.Running(), g.Waiting())
	}
	release, err := g.Enter(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	release()
}
