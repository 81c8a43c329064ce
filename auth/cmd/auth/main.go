// Command auth runs the auth service: `auth` serves HTTP, `auth migrate`
// applies the database migrations and exits.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/config"
	"prana/shared/cmdmain"
)

func main() {
	cmdmain.Run("auth", config.Load, func(c config.Config) string { return c.LogLevel }, command)
}

// command runs the subcommand named on the command line.
func command(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	cmd := "serve"
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	switch cmd {
	case "serve":
		return run(ctx, cfg, log, nil)
	case "migrate":
		return migrate(ctx, cfg, log)
	default:
		return fmt.Errorf("unknown command %q (use serve or migrate)", cmd)
	}
}

func migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	return postgres.Migrate(ctx, pool, log)
}
