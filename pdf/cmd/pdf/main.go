// Command pdf runs the pdf service's HTTP API.
package main

import (
	"context"
	"log/slog"

	"prana/pdf/internal/config"
	"prana/shared/cmdmain"
)

func main() {
	cmdmain.Run("pdf", config.Load, func(c config.Config) string { return c.LogLevel },
		func(ctx context.Context, cfg config.Config, log *slog.Logger) error { return run(ctx, cfg, log, nil) })
}
