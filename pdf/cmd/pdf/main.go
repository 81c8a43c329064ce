// Command pdf runs the pdf service's HTTP API: `pdf` serves, `pdf
// healthcheck` exits 0 when the running service is ready (for images
// without a shell).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"prana/pdf/cmd/internal/gctune"
	"prana/pdf/internal/config"
	"prana/shared/cmdmain"
	"prana/shared/healthprobe"
)

func main() {
	cmdmain.Run("pdf", config.Load, func(c config.Config) string { return c.LogLevel }, command)
}

// command runs the subcommand named on the command line.
func command(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	cmd := "serve"
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	switch cmd {
	case "serve":
		// Room for the PDF cache, whose documents stay live, and for the
		// renders in flight.
		gctune.Apply(cfg.PDFCacheBytes + 128<<20)
		return run(ctx, cfg, log, nil)
	case "healthcheck":
		return healthprobe.Probe(ctx, cfg.Addr)
	default:
		return fmt.Errorf("unknown command %q (use serve or healthcheck)", cmd)
	}
}
