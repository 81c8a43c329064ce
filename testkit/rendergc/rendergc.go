// Package rendergc sets the Go garbage collector in a benchmark as the
// processes that render PDFs set it (pdf/cmd/internal/gctune, which only
// the pdf binaries may import), so that a benchmark of a render pays for
// collection as the service does. gctune's tests hold the two equal.
package rendergc

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// GCPercent and BallastBytes are gctune's.
const (
	GCPercent    = 100
	BallastBytes = 64 << 20
)

// Set applies GCPercent over a ballast of BallastBytes until tb ends.
func Set(tb testing.TB) {
	tb.Helper()
	ballast := make([]byte, BallastBytes)
	old := debug.SetGCPercent(GCPercent)
	tb.Cleanup(func() {
		debug.SetGCPercent(old)
		runtime.KeepAlive(ballast)
	})
}
