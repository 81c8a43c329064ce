package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"prana/devstack/stack"
	"prana/shared/pgcluster"
)

// system is Prana as `make run` starts it (PostgreSQL, the kumo emulator, auth, pdf, the worker), but with every
// piece private to this run: a PostgreSQL cluster in a temporary directory, free loopback ports, a fresh bucket
// and queue. The services can be restarted with other settings between figures.
type system struct {
	dir      string // temporary: database, data, binaries
	bins     string
	pg       *pgcluster.Cluster
	emu      *stack.Emulator
	sup      *stack.Supervisor
	authURL  string
	pdfURL   string
	auth     *stack.Child
	pdf      *stack.Child
	worker   *stack.Child
	progress io.Writer
}

// servicePkgs are the binaries the system runs.
var servicePkgs = []string{"./auth/cmd/auth", "./pdf/cmd/pdf", "./pdf/cmd/pdf-worker"}

// stopGrace is how long a service gets to stop on SIGTERM.
const stopGrace = 15 * time.Second

// startSystem builds the binaries and starts PostgreSQL and the emulator; the services are started by the
// figures that need them, with the settings they need. Service output goes to logs.
func startSystem(ctx context.Context, root string, logs, progress io.Writer) (_ *system, err error) {
	dir, err := os.MkdirTemp("", "prana-bench-")
	if err != nil {
		return nil, err
	}
	// The postgres user (we may be root) must be able to reach the cluster below.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	s := &system{dir: dir, bins: filepath.Join(dir, "bin"), progress: progress}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	fmt.Fprintln(progress, "building the services")
	if err := stack.Build(ctx, root, s.bins, servicePkgs, progress); err != nil {
		return nil, err
	}
	if err := s.startPostgres(ctx); err != nil {
		return nil, err
	}
	if s.emu, err = stack.StartEmulator("127.0.0.1:0", io.Discard); err != nil {
		return nil, err
	}
	authPort, err1 := pgcluster.FreePort()
	pdfPort, err2 := pgcluster.FreePort()
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	s.authURL = "http://127.0.0.1:" + strconv.Itoa(authPort)
	s.pdfURL = "http://127.0.0.1:" + strconv.Itoa(pdfPort)
	s.sup = stack.NewSupervisor(stack.NewConsole(logs), dir, s.env())
	return s, nil
}

func (s *system) startPostgres(ctx context.Context) error {
	bin, err := pgcluster.Find()
	if err != nil {
		return err
	}
	port, err := pgcluster.FreePort()
	if err != nil {
		return err
	}
	s.pg = &pgcluster.Cluster{Dir: filepath.Join(s.dir, "postgres"), BinDir: bin, Port: port}
	fmt.Fprintln(s.progress, "starting PostgreSQL")
	if err := s.pg.Init(ctx); err != nil {
		return err
	}
	if err := s.pg.Start(ctx); err != nil {
		s.pg = nil
		return err
	}
	return s.pg.CreateDatabase(ctx, "prana")
}

// env is what every service gets: the settings prana-dev gives them, pointed at this run's pieces. Nothing from
// the caller's environment or .env leaks in, so two machines measure the same configuration.
func (s *system) env() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + s.dir,
		"DATABASE_URL=" + s.pg.DSN("prana"),
		"DATA_DIR=" + filepath.Join(s.dir, "data"),
		"AWS_ENDPOINT_URL=" + s.emu.URL,
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AUTH_JWKS_URL=" + s.authURL + "/.well-known/jwks.json",
		"AUTH_ADDR=" + s.authURL[len("http://"):],
		"PDF_ADDR=" + s.pdfURL[len("http://"):],
	}
}

// noLoginLimits turns the login rate limits off, so throughput figures measure hashing, not the limiter.
var noLoginLimits = []string{"LOGIN_RATE_PER_IP=0", "LOGIN_RATE_PER_IP_EMAIL=0", "LOGIN_RATE_PER_EMAIL=0"}

// startAuth (re)starts auth with extra settings and returns once /readyz answers 200, with the time that took.
func (s *system) startAuth(ctx context.Context, extra ...string) (time.Duration, error) {
	stopChild(s.auth)
	var took time.Duration
	var err error
	s.auth, took, err = s.startReady(ctx, "auth", s.authURL, extra)
	return took, err
}

// startPDF (re)starts the pdf service; auth must be up (it fetches the JWKS at start).
func (s *system) startPDF(ctx context.Context, extra ...string) (time.Duration, error) {
	stopChild(s.pdf)
	var took time.Duration
	var err error
	s.pdf, took, err = s.startReady(ctx, "pdf", s.pdfURL, extra)
	return took, err
}

// startWorker (re)starts the worker. It has no readiness URL; its first receive follows within moments.
func (s *system) startWorker() error {
	stopChild(s.worker)
	var err error
	s.worker, err = s.sup.Start("worker", filepath.Join(s.bins, "pdf-worker"))
	return err
}

// startReady starts a binary and polls url+"/readyz" every millisecond until it answers 200.
func (s *system) startReady(ctx context.Context, name, url string, extra []string) (*stack.Child, time.Duration, error) {
	start := time.Now()
	c, err := s.sup.StartEnv(name, extra, filepath.Join(s.bins, name))
	if err != nil {
		return nil, 0, err
	}
	took, err := waitReady(ctx, c, url+"/readyz", start)
	if err != nil {
		stopChild(c)
		return nil, 0, err
	}
	return c, took, nil
}

// readyClient polls readiness; each poll is bounded so that a hung service cannot hang the benchmark.
var readyClient = &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}

// waitReady polls until url answers 200 and returns the time since start; it fails if the child exits or 60 s
// pass. The poll interval is short because start-up itself is a figure.
func waitReady(ctx context.Context, c *stack.Child, url string, start time.Time) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return 0, err
		}
		if resp, err := readyClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		select {
		case <-c.Done():
			return 0, fmt.Errorf("%s exited (%s) before it was ready; see the service log", c.Name, stack.ExitStatus(c.Err))
		case <-ctx.Done():
			return 0, fmt.Errorf("%s: no 200 from %s: %w", c.Name, url, ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
}

// stopChild stops c, if running, with SIGTERM (then SIGKILL after stopGrace).
func stopChild(c *stack.Child) {
	if c != nil {
		c.Stop(stopGrace)
	}
}

// close stops everything this run started and removes its directory.
func (s *system) close() {
	for _, c := range []*stack.Child{s.worker, s.pdf, s.auth} {
		stopChild(c)
	}
	if s.sup != nil {
		s.sup.Stop(stopGrace, func(string, ...any) {})
	}
	if s.emu != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.emu.Close(ctx) // nothing is kept: the directory goes next
		cancel()
	}
	if s.pg != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := s.pg.Stop(ctx); err != nil {
			fmt.Fprintln(s.progress, "stopping PostgreSQL:", err)
		}
		cancel()
	}
	_ = os.RemoveAll(s.dir)
}
