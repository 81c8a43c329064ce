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
const GCPercent = 400

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
