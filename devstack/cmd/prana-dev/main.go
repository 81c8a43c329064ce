// Command prana-dev runs the whole Prana system on a developer's machine, in the foreground: PostgreSQL, an
// S3+SQS emulator and the services, each output line prefixed with its source. Ctrl-C (or SIGTERM) stops it all.
// `make run` runs it from the repository root. It is a development tool: no service code imports it.
//
// Configuration comes from the environment and from .env in the repository root (the environment wins):
// DATABASE_URL to use an existing database instead of the local cluster in .data/postgres, AWS_ENDPOINT_URL to
// use another S3/SQS endpoint instead of the emulator on :4566, KUMO_DATA_DIR to keep the emulator's state
// somewhere other than .data/kumo (set it empty to keep none). Everything else is passed on to the services.
package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"prana/devstack/stack"
)

// emulatorAddr is where the emulator listens: loopback only, on the port of emulatorEndpoint.
const emulatorAddr = "127.0.0.1:4566"

// stopTimeout is how long the services get to shut down after SIGTERM before they are killed.
const stopTimeout = 15 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "prana-dev: %v\n", err)
		os.Exit(1)
	}
}

// run brings the system up, waits for a signal or for a service to exit, and tears down what it started, in
// reverse order. An interrupt at any point is a normal end, not an error.
func run(ctx context.Context) (err error) {
	con := stack.NewConsole(os.Stdout)
	devOut := con.Prefixed("dev")
	log := slog.New(slog.NewTextHandler(devOut, &slog.HandlerOptions{ReplaceAttr: dropTime}))

	root, err := stack.RepoRoot()
	if err != nil {
		return err
	}
	// Only the environment this process started with reaches kumo (see reexecWithKumoDataDir).
	_, kumoDirAtStart := os.LookupEnv("KUMO_DATA_DIR")
	dotEnv, err := loadDotEnv(root)
	if err != nil {
		return err
	}
	awsEndpoint := os.Getenv("AWS_ENDPOINT_URL")
	ownEmulator := usesOwnEmulator(awsEndpoint)
	if ownEmulator && !kumoDirAtStart {
		dir, set := os.LookupEnv("KUMO_DATA_DIR") // set here only by .env; set but empty means keep no state
		if !set {
			dir = filepath.Join(root, ".data", "kumo")
		}
		if dir != "" {
			err := reexecWithKumoDataDir(dir) // returns only on failure
			log.Warn("the emulator's state will not be kept across runs", "err", err)
		}
	}
	if dotEnv {
		log.Info("loaded .env (variables already set in the environment win)")
	}
	// .data holds state that only this tool and the services use; create it searchable by others so that the
	// postgres user (when we are root) can reach .data/postgres without permission changes.
	if err := os.MkdirAll(filepath.Join(root, ".data"), 0o755); err != nil {
		return fmt.Errorf("create .data: %w", err)
	}

	var teardown []func()
	defer func() {
		for i := len(teardown) - 1; i >= 0; i-- {
			teardown[i]()
		}
		if ctx.Err() != nil {
			err = nil // interrupted: whatever failed was cut short on purpose
		}
	}()

	if ownEmulator {
		em, err := stack.StartEmulator(emulatorAddr, con.Prefixed("aws"))
		if err != nil {
			return err
		}
		state := os.Getenv("KUMO_DATA_DIR")
		teardown = append(teardown, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := em.Close(ctx); err != nil {
				log.Error("stopping the emulator", "err", err)
			}
			if state != "" {
				waitForKumoFlush()
			}
		})
		log.Info("S3+SQS emulator (kumo) ready", "url", emulatorEndpoint, "state", cmp.Or(state, "in memory only"))
		awsEndpoint = emulatorEndpoint
	} else {
		log.Info("using AWS_ENDPOINT_URL; no emulator started", "url", awsEndpoint)
	}

	dsn, stopPostgres, err := startPostgres(ctx, root, con, log)
	if err != nil {
		return err
	}
	teardown = append(teardown, stopPostgres)

	svcs := present(root, services, log)
	if err := build(ctx, root, svcs, con); err != nil {
		return err
	}
	sup := stack.NewSupervisor(con, root, withDefaults(os.Environ(), serviceDefaults(dsn)))
	teardown = append(teardown, func() { sup.Stop(stopTimeout, log.Info) })
	if err := startAll(ctx, root, svcs, sup); err != nil {
		return err
	}
	printBanner(devOut, svcs, awsEndpoint, dsn)

	select {
	case <-ctx.Done():
		log.Info("stopping")
		return nil
	case c := <-sup.Exits():
		return fmt.Errorf("%s exited unexpectedly (%s); stopped everything", c.Name, stack.ExitStatus(c.Err))
	}
}

// startAll starts the services in order, each once the service it comes after is ready, then waits until every
// service with a readiness URL is ready.
func startAll(ctx context.Context, root string, svcs []service, sup *stack.Supervisor) error {
	ready := map[string]bool{}
	await := func(s service) error {
		if s.readyURL == "" || ready[s.name] {
			return nil
		}
		if err := waitReady(ctx, s.name, s.readyURL, readyTimeout, sup.Exits()); err != nil {
			return err
		}
		ready[s.name] = true
		return nil
	}
	for i, s := range svcs {
		for _, dep := range svcs[:i] {
			if dep.name == s.after {
				if err := await(dep); err != nil {
					return err
				}
			}
		}
		if _, err := sup.Start(s.name, s.binary(root)); err != nil {
			return err
		}
	}
	for _, s := range svcs {
		if err := await(s); err != nil {
			return err
		}
	}
	return nil
}

// printBanner tells the developer where everything is.
func printBanner(w io.Writer, svcs []service, awsEndpoint, dsn string) {
	fmt.Fprintln(w, "Prana is up. Ctrl-C stops everything.")
	for _, s := range svcs {
		for _, u := range s.urls {
			fmt.Fprintln(w, "  "+u)
		}
	}
	fmt.Fprintln(w, "  bucket           "+strings.TrimSuffix(awsEndpoint, "/")+"/user-pdfs/")
	fmt.Fprintln(w, "  database         "+redact(dsn))
}

// dropTime removes the time from prana-dev's own log lines: they are read live, next to the services' lines.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
