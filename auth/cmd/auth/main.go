// Command auth runs the auth service: `auth` serves HTTP, `auth migrate`
// applies the database migrations and exits.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/config"
	"prana/shared/envfile"
	"prana/shared/logging"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := envfile.Load(".env"); err != nil {
		fmt.Fprintln(os.Stderr, "auth:", err)
		os.Exit(2)
	}
	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "auth: bad configuration:\n", err)
		os.Exit(2)
	}
	log := logging.New(os.Stderr, cfg.LogLevel, "auth")
	cmd := "serve"
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	switch cmd {
	case "serve":
		err = run(ctx, cfg, log, nil)
	case "migrate":
		err = migrate(ctx, cfg, log)
	default:
		err = fmt.Errorf("unknown command %q (use serve or migrate)", cmd)
	}
	if err != nil {
		log.Error("auth stopped", "err", err)
		os.Exit(1)
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
