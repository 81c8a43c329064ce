// Command auth runs the auth service: `auth` serves HTTP, `auth migrate`
// applies the database migrations and exits, `auth healthcheck` exits 0 when
// the running service is ready (for images without a shell), `auth keys
// list` shows the signing keys and `auth keys rotate` starts a rotation.
package main

import (
	"context"
	"log/slog"
	"os"

	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/config"
	"prana/shared/cmdmain"
)

func main() {
	cmdmain.Run("auth", config.Load, func(c config.Config) string { return c.LogLevel }, cmdmain.Dispatch(os.Args[1:],
		cmdmain.Command[config.Config]{Name: "serve", Run: serve},
		cmdmain.Command[config.Config]{Name: "migrate", Run: migrate},
		cmdmain.Command[config.Config]{Name: "keys", Run: func(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
			return keysCommand(ctx, cfg, log, args, os.Stdout)
		}},
		cmdmain.HealthCheck(func(c config.Config) string { return c.Addr }),
	))
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string) error {
	return run(ctx, cfg, log, nil)
}

func migrate(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string) error {
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	return postgres.Migrate(ctx, pool, log)
}
