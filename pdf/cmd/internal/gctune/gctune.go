// Package gctune sets the Go garbage collector for the processes that
// render PDFs: the pdf service and the worker.
package gctune

import (
	"os"
	"runtime/debug"
)

// GCPercent is GOGC for rendering processes. A render allocates about 1.9 MB
// of short-lived buffers (gopdf makes a fresh zlib compressor for each
// embedded font subset and offers no way to reuse one) over a live heap of a
// few MB, so at Go's default of 100 the collector runs every couple of
// documents and takes about 40% of the render time
// (BenchmarkRenderDistinct: 1.7–1.9 ms at 100, about 1.0 ms at 400).
//
// At 400 a busy service still collected every 10–20 renders, and each
// cycle cost twice: the marking, and page faults. Renders allocated during
// a mark count as live, so the heap goal swung between about 16 and 50 MB
// from one cycle to the next; after each drop the runtime's scavenger gave
// the pages above the goal back to the kernel, and the next compressors
// faulted them in again (perf: 9% of the pdf service's CPU in page faults,
// 8% marking, 2% scavenging). At 800 there are half the cycles and fewer
// faults: BenchmarkDownloadUncachedCPU 0.053–0.095 → 0.028–0.036
// collections and 60–86 → 46–56 faults per request, and make bench's CPU
// per uncached download 1,554–1,701 → 1,345–1,381 µs. The price is heap:
// up to nine times the live heap between cycles (about 30–80 MB while
// rendering without the cache), still under the soft limit of Apply.
const GCPercent = 800

// Apply sets GCPercent and a soft memory limit of limitBytes, which keeps
// the larger heap that GCPercent allows bounded: near the limit the
// collector runs as often as it must. What an operator set with GOGC or
// GOMEMLIMIT wins.
func Apply(limitBytes int64) {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(GCPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set && limitBytes > 0 {
		debug.SetMemoryLimit(limitBytes)
	}
}
