// Package gctune sets the Go garbage collector for the processes that
// render PDFs: the pdf service and the worker.
package gctune

import (
	"os"
	"runtime/debug"
)

// A render allocates about 1.8 MB of short-lived buffers (gopdf makes a
// fresh zlib compressor for each embedded font subset and offers no way to
// reuse one) over a live heap of a few MB. At Go's default the collector
// runs every couple of documents and takes about 40% of the render time.
//
// Raising GOGC alone is not enough. At 400, and still at 800, the heap goal
// is a multiple of a live heap that swings with the renders in flight when
// a cycle ends: between about 16 and 50 MB, and 36 and 72 MB, from one
// cycle to the next. After each drop the runtime's scavenger gave the pages
// above the goal back to the kernel, and the next compressors faulted them
// in again (perf of the pdf service at 400: 9% of its CPU in page faults,
// 8% marking, 2% scavenging).
//
// A ballast, a block of memory the program holds but never touches, puts a
// floor under the goal: at GOGC 100 the goal is twice the ballast plus
// twice the live heap, about 140 MB, and the renders' swing moves it by a
// few percent, so the scavenger has little to give back. The ballast costs
// no resident memory (its pages are never written, so the kernel never
// backs them) and no marking (it holds no pointers). Measured with
// BenchmarkDownloadUncachedCPU against GOGC 800 without a ballast:
// 878–977 → 743–791 µs of CPU, 11–17 → 6–10 page faults and 0.039 → 0.025
// collections per uncached download. In the running service (make bench's
// uncached rows, two paired runs): 1,057–1,168 → 790–895 µs of CPU per
// download, p99 74–75 → 49–57 ms. The price is heap between cycles: about
// 70 MB of garbage, against 30–70 MB before.
const (
	GCPercent    = 100
	BallastBytes = 64 << 20
)

// ballast is only held, never read: see BallastBytes.
var ballast []byte

// Apply sets GCPercent over the ballast, and a soft memory limit of
// limitBytes beyond the ballast, which keeps the heap bounded: near the
// limit the collector runs as often as it must. What an operator set with
// GOGC or GOMEMLIMIT wins; with GOGC set there is no ballast.
func Apply(limitBytes int64) {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(GCPercent)
		if ballast == nil {
			ballast = make([]byte, BallastBytes)
		}
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set && limitBytes > 0 {
		// The runtime counts the ballast as heap in use.
		debug.SetMemoryLimit(limitBytes + int64(len(ballast)))
	}
}
