// Command prana-soak runs mixed traffic (signup, login, download, upload) for a long while against the system
// started as `make run` starts it, and reports errors, p99 per endpoint, and each process's resident memory and
// goroutines at the start and the end, so that a leak shows as growth. It is a benchmark, not a test: it prints
// figures and fails only when the system cannot be started or stops answering.
//
//	SOAK_DURATION=10m go run ./devstack/cmd/prana-soak
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"prana/devstack/stack"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "prana-soak:", err)
		os.Exit(1)
	}
}

// settings come from the environment; the defaults are the issue's.
type settings struct {
	duration time.Duration // SOAK_DURATION, default 10m
	users    int           // SOAK_USERS: accounts the downloads and uploads rotate through, default 50
}

func loadSettings() (settings, error) {
	s := settings{duration: 10 * time.Minute, users: 50}
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 10*time.Second {
			return s, fmt.Errorf("SOAK_DURATION=%q: want a duration of at least 10s, e.g. 10m", v)
		}
		s.duration = d
	}
	if v := os.Getenv("SOAK_USERS"); v != "" {
		if _, err := fmt.Sscan(v, &s.users); err != nil || s.users < 1 {
			return s, fmt.Errorf("SOAK_USERS=%q: want a positive number", v)
		}
	}
	return s, nil
}

func run(ctx context.Context) error {
	set, err := loadSettings()
	if err != nil {
		return err
	}
	root, err := stack.RepoRoot()
	if err != nil {
		return err
	}
	logPath := filepath.Join(root, ".data", "soak", "services.log")
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return err
	}
	logs, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logs.Close()
	fmt.Printf("prana-soak: %s of mixed traffic; service logs in %s\n", set.duration, logPath)

	sys, err := startSystem(ctx, root, logs)
	if sys != nil {
		defer sys.Close()
	}
	if err != nil {
		return err
	}
	users, err := makeUsers(ctx, sys.AuthURL, set.users)
	if err != nil {
		return err
	}
	before := snapshot(ctx, sys)
	fmt.Println("prana-soak: traffic started")
	// users[0] sits the traffic out: its one upload after it (waitDrained)
	// must queue a new job, not meet a running one or the upload limit.
	results, samples, err := soak(ctx, sys, users[1:], set.duration)
	if err != nil {
		return err
	}
	after := snapshot(ctx, sys)
	drained, err := waitDrained(ctx, sys, users[0])
	if err != nil {
		return err
	}
	printReport(os.Stdout, set, results, before, after, samples)
	fmt.Printf("\nThe worker had done every queued upload %s after the traffic stopped.\n", drained.Round(100*time.Millisecond))
	return nil
}

// startSystem starts Prana privately, as `make run` would, with the login rate limits off: one client address
// sends all the logins, and the limiter would turn the soak into a test of itself.
func startSystem(ctx context.Context, root string, logs io.Writer) (*stack.System, error) {
	fmt.Println("prana-soak: building and starting the system")
	sys, err := stack.StartSystem(ctx, root, logs, io.Discard, stack.NoAuthLimits...)
	if err != nil {
		return nil, err
	}
	if _, err := sys.StartAuth(ctx); err != nil {
		return sys, err
	}
	if _, err := sys.StartPDF(ctx); err != nil {
		return sys, err
	}
	return sys, sys.StartWorker()
}

// pollClient reads job status and /metrics; each call is bounded so that a hung service cannot hang the soak.
var pollClient = &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
