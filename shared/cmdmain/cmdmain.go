// Package cmdmain is the common start of every Prana binary: stop on
// SIGINT/SIGTERM (a second one exits at once), read .env, load and check the
// configuration, log it once with secrets masked, build the JSON logger,
// run, and turn the outcome into an exit code.
package cmdmain

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"prana/shared/envconfig"
	"prana/shared/envfile"
	"prana/shared/logging"
)

// ForcedExit is the exit code after a second signal: the binary gave up
// waiting for its graceful shutdown.
const ForcedExit = 130

// Run never returns. load reads the configuration; level picks the log
// level from it; run does the work until ctx ends.
func Run[C any](name string, load func() (C, error), level func(C) string, run func(context.Context, C, *slog.Logger) error) {
	ctx, stop := stopOnSignals(name, os.Stderr, os.Exit)
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
	// Once, at start: what the binary runs with, as an operator checking a
	// deployment wants to see it (secrets shown only as set or unset).
	log.Info("configuration", envconfig.Describe(cfg)...)
	err = run(ctx, cfg, log)
	stop()
	if err != nil {
		log.Error(name+" stopped", "err", err)
		os.Exit(1)
	}
}

// stopOnSignals returns a context cancelled by the first SIGINT or SIGTERM;
// a second one exits at once, for an operator who will not wait out the
// grace period.
func stopOnSignals(name string, stderr io.Writer, exit func(int)) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		if _, ok := <-sigs; !ok {
			return
		}
		cancel()
		if _, ok := <-sigs; !ok {
			return
		}
		fmt.Fprintf(stderr, "%s: second signal: exiting without waiting for the shutdown\n", name)
		exit(ForcedExit)
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(sigs)
		cancel()
	}
}
