package gctune

import (
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"prana/testkit/rendergc"
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
	before := residentBytes(t)
	Apply(200 << 20)
	if got := debug.SetGCPercent(100); got != GCPercent {
		t.Errorf("GC percent %d, want %d", got, GCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != 200<<20+BallastBytes {
		t.Errorf("memory limit %d, want %d (200 MiB beyond the ballast)", got, 200<<20+BallastBytes)
	}
	if len(ballast) != BallastBytes {
		t.Errorf("ballast of %d bytes, want %d", len(ballast), BallastBytes)
	}
	// The ballast must cost address space only: its pages are never touched.
	if grown := residentBytes(t) - before; grown > BallastBytes/8 {
		t.Errorf("resident memory grew by %d bytes with a ballast of %d", grown, BallastBytes)
	}
}

// residentBytes is the process's resident set (VmRSS).
func residentBytes(t *testing.T) int64 {
	t.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
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

// TestBenchmarksCollectAsTheServiceDoes: the render benchmarks set the
// collector through testkit/rendergc, which cannot import this package.
func TestBenchmarksCollectAsTheServiceDoes(t *testing.T) {
	if rendergc.GCPercent != GCPercent || rendergc.BallastBytes != BallastBytes {
		t.Errorf("rendergc sets GOGC %d over %d bytes, the services %d over %d: keep them equal",
			rendergc.GCPercent, rendergc.BallastBytes, GCPercent, BallastBytes)
	}
}
