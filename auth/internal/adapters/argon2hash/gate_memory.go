package argon2hash

import "runtime"

// memoryBound keeps the memory of the hashes in flight within a budget.
//
// Counting slots alone does not bound memory: each argon2 run allocates its
// whole memory cost afresh (x/crypto/argon2 cannot reuse a buffer), and the
// block of a finished hash stays in the heap until the collector runs. With
// a live heap of a few hashes the collector's goal is twice that, so at the
// seed's 100 MiB per hash two slots peaked at over 400 MiB. The bound
// admits a hash only when its memory fits beside the running ones, and when
// the garbage of finished hashes would take the heap past the budget, the
// hash that starts first has it collected: the peak then follows the
// configured concurrency.
type memoryBound struct {
	budget  int64  // bytes; 0: unbounded
	inUse   int64  // memory cost of the running hashes
	garbage int64  // memory of hashes finished since the last collection
	gc      func() // runtime.GC; tests count the calls
}

// BoundMemory makes the gate admit a hash only while the memory of the
// running ones plus its own stays within budget bytes. A hash bigger than
// the budget still runs, alone, rather than never. Call it before the gate
// is used.
func (g *Gate) BoundMemory(budget int64) {
	g.memory = memoryBound{budget: budget, gc: runtime.GC}
}

// fits reports whether a hash of memory bytes fits beside running others.
func (m *memoryBound) fits(memory int64, running int) bool {
	return m.budget == 0 || running == 0 || m.inUse+memory <= m.budget
}

// start counts memory as in use and reports whether the garbage of finished
// hashes must be collected first; if so it counts that garbage as gone.
// The garbage may have been collected already by a cycle of the runtime's
// own: one more cycle over a heap of a few live MB costs a few ms, against
// hundreds for a hash this large.
func (m *memoryBound) start(memory int64) (collect bool) {
	m.inUse += memory
	if m.budget == 0 || m.inUse+m.garbage <= m.budget {
		return false
	}
	m.garbage = 0
	return true
}

// finished moves memory from in use to garbage.
func (m *memoryBound) finished(memory int64) {
	m.inUse -= memory
	if m.budget > 0 {
		m.garbage += memory
	}
}

// collect runs the collector, outside the gate's lock: the hashes running
// meanwhile need not wait for it.
func (m *memoryBound) collect() { m.gc() }
