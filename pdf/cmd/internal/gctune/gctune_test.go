package gctune

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

// restore puts the collector back as the test found it.
func restore(t *testing.T) {
	percent := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })
}

func TestApplySetsPercentAndLimit(t *testing.T) {
	restore(t)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	// t.Setenv cannot unset; Apply looks for presence, so clear them fully.
	unset(t, "GOGC", "GOMEMLIMIT")
	Apply(200 << 20)
	if got := debug.SetGCPercent(100); got != GCPercent {
		t.Errorf("GC percent %d, want %d", got, GCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != 200<<20 {
		t.Errorf("memory limit %d, want %d", got, 200<<20)
	}
}

func TestApplyLeavesOperatorSettings(t *testing.T) {
	restore(t)
	t.Setenv("GOGC", "100")
	t.Setenv("GOMEMLIMIT", "1GiB")
	Apply(200 << 20)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent %d, want the operator's 100", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit %d changed; the operator set GOMEMLIMIT", got)
	}
}

func unset(t *testing.T, names ...string) {
	for _, n := range names {
		if err := os.Unsetenv(n); err != nil {
			t.Fatal(err)
		}
	}
}
