// Package cmdmain is the common start of every Prana binary: stop on
// SIGINT/SIGTERM, read .env, load and check the configuration, build the
// JSON logger, run, and turn the outcome into an exit code.
package cmdmain

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"prana/shared/envfile"
	"prana/shared/logging"
)

// Run never returns. load reads the configuration; level picks the log
// level from it; run does the work until ctx ends.
func Run[C any](name string, load func() (C, error), level func(C) string, run func(context.Context, C, *slog.Logger) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if err := envfile.Load(".env"); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(2)
	}
	cfg, err := load()
	if err != nil {
		// Each line names the setting at fault.
		fmt.Fprintf(os.Stderr, "%s: bad configuration:\n%v\n", name, err)
		os.Exit(2)
	}
	log := logging.New(os.Stderr, level(cfg), name)
	err = run(ctx, cfg, log)
	stop()
	if err != nil {
		log.Error(name+" stopped", "err", err)
		os.Exit(1)
	}
}
