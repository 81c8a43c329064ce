// Command auth runs the auth service: `auth` serves HTTP, `auth migrate`
// applies the database migrations and exits, `auth healthcheck` exits 0 when
// the running service is ready (for images without a shell), `auth keys
// list` shows the signing keys and `auth keys rotate` starts a rotation.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/config"
	"prana/shared/cmdmain"
	"prana/shared/healthprobe"
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
	case "healthcheck":
		return healthprobe.Probe(ctx, cfg.Addr)
	case "keys":
		return keysCommand(ctx, cfg, log, os.Args[2:], os.Stdout)
	default:
		return fmt.Errorf("unknown command %q (use serve, migrate, keys or healthcheck)", cmd)
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
