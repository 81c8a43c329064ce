package argon2hash

import (
	"context"
	"testing"
	"time"
)

const mib = 1 << 20

// memoryGate is a gate of slots slots bounded to budget bytes whose
// collections are counted instead of run.
func memoryGate(slots int, budget int64) (*Gate, *int) {
	g := NewGate(slots, 8, time.Hour)
	g.BoundMemory(budget)
	collections := new(int)
	g.memory.gc = func() { *collections++ }
	return g, collections
}

// enterAsync enters g in a goroutine and sends its release once granted.
func enterAsync(t *testing.T, g *Gate, memory int64) <-chan func() {
	t.Helper()
	granted := make(chan func(), 1)
	go func() {
		release, err := g.Enter(context.Background(), memory)
		if err != nil {
			t.Error(err)
			return
		}
		granted <- release
	}()
	return granted
}

// TestGateMemoryBudget: with slots to spare, a hash waits until its memory
// fits beside the running ones; the one that starts while the garbage of a
// finished hash would take the heap past the budget has it collected first,
// and only then.
func TestGateMemoryBudget(t *testing.T) {
	t.Parallel()
	g, collections := memoryGate(4, 200*mib)
	first, _ := g.Enter(context.Background(), 100*mib)
	second, _ := g.Enter(context.Background(), 100*mib)
	third := enterAsync(t, g, 100*mib)
	awaitWaiting(t, g, 1)
	if *collections != 0 {
		t.Fatalf("%d collections before any hash finished", *collections)
	}
	first()
	release := <-third
	if *collections != 1 {
		t.Errorf("%d collections when the third hash started over the first's garbage, want 1", *collections)
	}
	second()
	release()
	small, _ := g.Enter(context.Background(), 10*mib) // 10 in use, 200 of garbage: over the budget
	small()
	if *collections != 2 {
		t.Errorf("%d collections, want 2", *collections)
	}
	again, _ := g.Enter(context.Background(), 10*mib) // 10 in use, 10 of garbage: within
	again()
	if *collections != 2 {
		t.Errorf("%d collections after a hash within the budget, want still 2", *collections)
	}
}

// TestGateHashOverBudgetRunsAlone: a hash bigger than the whole budget (an
// old hash's costs) waits for the running ones and then runs, alone.
func TestGateHashOverBudgetRunsAlone(t *testing.T) {
	t.Parallel()
	g, _ := memoryGate(4, 100*mib)
	small, _ := g.Enter(context.Background(), 50*mib)
	big := enterAsync(t, g, 300*mib)
	awaitWaiting(t, g, 1)
	behind := enterAsync(t, g, 10*mib) // fits, but queues behind the big one
	awaitWaiting(t, g, 2)
	small()
	release := <-big
	if g.Running() != 1 || g.Waiting() != 1 {
		t.Fatalf("running %d, waiting %d with the big hash in; want 1 and 1", g.Running(), g.Waiting())
	}
	release()
	(<-behind)()
}

// TestGateUnboundedMemory: without BoundMemory only the slots count.
func TestGateUnboundedMemory(t *testing.T) {
	t.Parallel()
	g := NewGate(2, 1, time.Hour)
	a, _ := g.Enter(context.Background(), 1<<40)
	b, _ := g.Enter(context.Background(), 1<<40)
	if g.Running() != 2 {
		t.Fatalf("running %d, want 2", g.Running())
	}
	a()
	b()
}

// TestGateLeavingWaiterLetsTheNextStart: a waiter that gives up while the
// one behind it would fit lets that one start at once, not at the next
// release.
func TestGateLeavingWaiterLetsTheNextStart(t *testing.T) {
	t.Parallel()
	g, _ := memoryGate(4, 100*mib)
	running, _ := g.Enter(context.Background(), 60*mib)
	defer running()
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error, 1)
	go func() { _, err := g.Enter(ctx, 300*mib); gaveUp <- err }()
	awaitWaiting(t, g, 1)
	behind := enterAsync(t, g, 30*mib)
	awaitWaiting(t, g, 2)
	cancel()
	if err := <-gaveUp; err == nil {
		t.Fatal("the cancelled waiter got a slot")
	}
	(<-behind)()
}
