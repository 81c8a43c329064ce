// Command prana-bench measures Prana as `make run` starts it and writes BENCHMARKS.md: it builds the binaries,
// starts PostgreSQL (a private cluster in a temporary directory), the kumo S3+SQS emulator and the services on
// loopback, loads them with devstack/loadgen, reads their CPU time and memory from /proc, stops everything and
// writes the table. `make bench` runs it after the Go micro-benchmarks.
//
// Settings (environment): BENCH_QUICK=1 for a smoke test (one short run per figure, fewer users),
// BENCH_RUNS and BENCH_DURATION to override the number and length of load runs, BENCH_MICRO=<file> to append
// the micro-benchmarks' output to the report. Flags: -only name,name to run only some groups of figures
// (download, reject, upload, login, loginmemory, flood, startup, render), -out FILE (default BENCHMARKS.md at the repository root;
// .data/bench/BENCHMARKS-quick.md in quick mode and standard output with -only, so that neither replaces the
// measured report).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"prana/devstack/stack"
)

func main() {
	// Helpers this program runs as processes of their own, so that their CPU time is theirs alone.
	helpers := map[string]func([]string) error{"floor": serveFloor, "hashcost": hashCostMain}
	if len(os.Args) > 1 && helpers[os.Args[1]] != nil {
		if err := helpers[os.Args[1]](os.Args[2:]); err != nil {
			fmt.Fprintf(os.Stderr, "prana-bench %s: %v\n", os.Args[1], err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "prana-bench:", err)
		os.Exit(1)
	}
}

// settings are how much and how long to measure.
type settings struct {
	quick    bool
	runs     int           // load runs per figure
	duration time.Duration // counted time per load run
	warmup   time.Duration
	users    int // distinct users with tokens (download, upload)
	jobs     int // upload jobs sent at once
	serial   int // upload jobs one at a time
	starts   int // restarts per start-up figure
	only     map[string]bool
}

func loadSettings(only string) (settings, error) {
	s := settings{runs: 3, duration: 5 * time.Second, warmup: time.Second, users: 2000, jobs: 2000, serial: 20, starts: 5}
	if os.Getenv("BENCH_QUICK") == "1" {
		s = settings{quick: true, runs: 1, duration: 2 * time.Second, warmup: 300 * time.Millisecond,
			users: 300, jobs: 300, serial: 5, starts: 2}
	}
	if v := os.Getenv("BENCH_RUNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return s, fmt.Errorf("BENCH_RUNS=%q: want a positive number", v)
		}
		s.runs = n
	}
	if v := os.Getenv("BENCH_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return s, fmt.Errorf("BENCH_DURATION=%q: want a duration such as 5s", v)
		}
		s.duration = d
	}
	if only != "" {
		s.only = map[string]bool{}
		for _, n := range strings.Split(only, ",") {
			s.only[strings.TrimSpace(n)] = true
		}
	}
	return s, nil
}

func run(ctx context.Context) error {
	out := flag.String("out", "", "where to write the report (default BENCHMARKS.md at the repository root; with -only, stdout)")
	only := flag.String("only", "", "comma-separated figure names to run (default all)")
	flag.Parse()
	set, err := loadSettings(*only)
	if err != nil {
		return err
	}
	root, err := stack.RepoRoot()
	if err != nil {
		return err
	}
	switch {
	case *out != "" || *only != "":
	case set.quick: // a smoke test must not replace the measured report
		*out = filepath.Join(root, ".data", "bench", "BENCHMARKS-quick.md")
	default:
		*out = filepath.Join(root, "BENCHMARKS.md")
	}
	if err := raiseFileLimit(); err != nil {
		return err
	}
	logPath := filepath.Join(root, ".data", "bench", "services.log")
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return err
	}
	logs, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logs.Close()
	fmt.Fprintf(os.Stderr, "prana-bench: service logs in %s\n", logPath)

	rep := report{When: time.Now(), Cores: runtime.NumCPU(), CPU: cpuModel(), Runs: set.runs, Duration: set.duration, Quick: set.quick}
	rep.Load[0] = loadAverage()
	b := &bench{set: set, root: root, progress: os.Stderr, started: time.Now()}
	if set.wantsSystem() {
		sys, err := stack.StartSystem(ctx, root, logs, os.Stderr)
		if err != nil {
			return err
		}
		b.sys = sys
		figs, err := b.all(ctx)
		sys.Close()
		rep.Figures = append(rep.Figures, figs...)
		if err != nil {
			return err
		}
	}
	if set.wants("render") {
		rep.Figures = append(rep.Figures, b.render(ctx)...) // after the system stopped: the quietest moment
		rep.Figures = append(rep.Figures, b.renderScripts(ctx)...)
	}
	rep.Load[1] = loadAverage()
	if path := os.Getenv("BENCH_MICRO"); path != "" {
		if micro, err := os.ReadFile(path); err == nil {
			rep.Micro = string(micro)
		}
	}
	if *out == "" { // a partial run must not replace the full report
		return rep.write(os.Stdout)
	}
	rep.Kept = keptSection(*out)
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := rep.write(f); err != nil {
		f.Close()
		return err
	}
	fmt.Fprintf(os.Stderr, "prana-bench: wrote %s\n", *out)
	return f.Close()
}

// wants reports whether the figure (or group) name is to be run.
func (s settings) wants(name string) bool {
	return s.only == nil || s.only[name]
}

// wantsSystem reports whether any wanted figure needs the running system (all but the render benchmark do).
func (s settings) wantsSystem() bool {
	for _, g := range []string{"download", "reject", "upload", "login", "loginmemory", "flood", "startup"} {
		if s.wants(g) {
			return true
		}
	}
	return false
}

// raiseFileLimit lifts the open-file soft limit to the hard limit: the 1,000-login flood needs 1,000 sockets.
func raiseFileLimit() error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return fmt.Errorf("file limit: %w", err)
	}
	l.Cur = l.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return fmt.Errorf("file limit: %w", err)
	}
	return nil
}

// cpuModel is the first "model name" in /proc/cpuinfo.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for l := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// loadAverage is the 1-minute load average from /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}
