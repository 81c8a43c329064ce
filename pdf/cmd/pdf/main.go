// Command pdf runs the pdf service's HTTP API: `pdf` serves, `pdf
// healthcheck` exits 0 when the running service is ready (for images
// without a shell).
package main

import (
	"context"
	"log/slog"
	"os"

	"prana/pdf/cmd/internal/gctune"
	"prana/pdf/internal/config"
	"prana/shared/cmdmain"
)

func main() {
	cmdmain.Run("pdf", config.Load, func(c config.Config) string { return c.LogLevel }, cmdmain.Dispatch(os.Args[1:],
		cmdmain.Command[config.Config]{Name: "serve", Run: serve},
		cmdmain.HealthCheck(func(c config.Config) string { return c.Addr }),
	))
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string) error {
	// Room for the PDF cache, whose documents stay live, and for the
	// renders in flight.
	gctune.Apply(cfg.PDFCacheBytes + 128<<20)
	return run(ctx, cfg, log, nil)
}
