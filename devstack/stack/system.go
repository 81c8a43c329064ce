package stack

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

	"prana/testkit/pgcluster"
)

// System is Prana as `make run` starts it (PostgreSQL, the kumo emulator, auth, pdf, the worker), but with every
// piece private to one run: a PostgreSQL cluster in a temporary directory, free loopback ports, a fresh bucket
// and queue. The benchmark and the soak use it; the services can be restarted with other settings between runs.
type System struct {
	AuthURL, PDFURL   string
	Auth, PDF, Worker *Child // nil until started
	Emu               *Emulator

	dir      string // temporary: database, data, binaries
	bins     string
	pg       *pgcluster.Cluster
	sup      *Supervisor
	env      []string // the caller's extra settings for every service
	progress io.Writer
}

// servicePkgs are the binaries the system runs.
var servicePkgs = []string{"./auth/cmd/auth", "./pdf/cmd/pdf", "./pdf/cmd/pdf-worker"}

// StopGrace is how long a service gets to stop on SIGTERM.
const StopGrace = 15 * time.Second

// StartSystem builds the binaries and starts PostgreSQL and the emulator; the services are started by the
// caller (StartAuth, StartPDF, StartWorker) with the settings it needs. Every service also gets env. Service
// output goes to logs; progress hears what is being started.
func StartSystem(ctx context.Context, root string, logs, progress io.Writer, env ...string) (_ *System, err error) {
	dir, err := os.MkdirTemp("", "prana-system-")
	if err != nil {
		return nil, err
	}
	// The postgres user (we may be root) must be able to reach the cluster below.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	s := &System{dir: dir, bins: filepath.Join(dir, "bin"), env: env, progress: progress}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	fmt.Fprintln(progress, "building the services")
	if err := Build(ctx, root, s.bins, servicePkgs, progress); err != nil {
		return nil, err
	}
	if err := s.startPostgres(ctx); err != nil {
		return nil, err
	}
	if s.Emu, err = StartEmulator("127.0.0.1:0", io.Discard); err != nil {
		return nil, err
	}
	authPort, err1 := pgcluster.FreePort()
	pdfPort, err2 := pgcluster.FreePort()
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	s.AuthURL = "http://127.0.0.1:" + strconv.Itoa(authPort)
	s.PDFURL = "http://127.0.0.1:" + strconv.Itoa(pdfPort)
	s.sup = NewSupervisor(NewConsole(logs), dir, append(s.baseEnv(), s.env...))
	return s, nil
}

func (s *System) startPostgres(ctx context.Context) error {
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
func (s *System) baseEnv() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + s.dir,
		"DATABASE_URL=" + s.pg.DSN("prana"),
		"DATA_DIR=" + filepath.Join(s.dir, "data"),
		"AWS_ENDPOINT_URL=" + s.Emu.URL,
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AUTH_JWKS_URL=" + s.AuthURL + "/.well-known/jwks.json",
		"AUTH_ADDR=" + s.AuthURL[len("http://"):],
		"PDF_ADDR=" + s.PDFURL[len("http://"):],
		// The worker waits out its open long poll when stopped: a short one
		// keeps that within StopGrace.
		"SQS_WAIT_TIME=5s",
	}
}

// NoLoginLimits turns the login rate limits off: all load comes from one address, and the figures are to
// measure hashing, not the limiter.
var NoLoginLimits = []string{"LOGIN_RATE_PER_IP=0", "LOGIN_RATE_PER_IP_EMAIL=0", "LOGIN_RATE_PER_EMAIL=0"}

// NoSignupLimits turns the signup rate limits off, for the same reason: the load generator signs up thousands of
// users from one address.
var NoSignupLimits = []string{"SIGNUP_RATE_PER_IP=0", "SIGNUP_RATE_PER_RANGE=0", "SIGNUP_RATE_PER_EMAIL=0"}

// NoAuthLimits turns every auth rate limit off.
var NoAuthLimits = append(append([]string{}, NoLoginLimits...), NoSignupLimits...)

// StartAuth (re)starts auth with extra settings and returns once /readyz answers 200, with the time that took.
func (s *System) StartAuth(ctx context.Context, extra ...string) (time.Duration, error) {
	stopChild(s.Auth)
	var took time.Duration
	var err error
	s.Auth, took, err = s.startReady(ctx, "auth", s.AuthURL, extra)
	return took, err
}

// StartPDF (re)starts the pdf service; auth must be up (it fetches the JWKS at start).
func (s *System) StartPDF(ctx context.Context, extra ...string) (time.Duration, error) {
	stopChild(s.PDF)
	var took time.Duration
	var err error
	s.PDF, took, err = s.startReady(ctx, "pdf", s.PDFURL, extra)
	return took, err
}

// StartWorker (re)starts the worker. It has no readiness URL; its first receive follows within moments.
func (s *System) StartWorker() error {
	stopChild(s.Worker)
	var err error
	s.Worker, err = s.sup.Start("worker", filepath.Join(s.bins, "pdf-worker"))
	return err
}

// startReady starts a binary and polls url+"/readyz" every millisecond until it answers 200.
func (s *System) startReady(ctx context.Context, name, url string, extra []string) (*Child, time.Duration, error) {
	start := time.Now()
	c, err := s.sup.StartEnv(name, extra, filepath.Join(s.bins, name))
	if err != nil {
		return nil, 0, err
	}
	took, err := WaitReady(ctx, c, url+"/readyz", start)
	if err != nil {
		stopChild(c)
		return nil, 0, err
	}
	return c, took, nil
}

// readyClient polls readiness; each poll is bounded so that a hung service cannot hang the benchmark.
var readyClient = &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}

// WaitReady polls until url answers 200 and returns the time since start; it fails if the child exits or 60 s
// pass. The poll interval is short because start-up itself is a figure.
func WaitReady(ctx context.Context, c *Child, url string, start time.Time) (time.Duration, error) {
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
			return 0, fmt.Errorf("%s exited (%s) before it was ready; see the service log", c.Name, ExitStatus(c.Err))
		case <-ctx.Done():
			return 0, fmt.Errorf("%s: no 200 from %s: %w", c.Name, url, ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
}

// stopChild stops c, if running, with SIGTERM (then SIGKILL after StopGrace).
func stopChild(c *Child) {
	if c != nil {
		c.Stop(StopGrace)
	}
}

// Close stops everything this run started and removes its directory.
func (s *System) Close() {
	for _, c := range []*Child{s.Worker, s.PDF, s.Auth} {
		stopChild(c)
	}
	if s.sup != nil {
		s.sup.Stop(StopGrace, func(string, ...any) {})
	}
	if s.Emu != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.Emu.Close(ctx) // nothing is kept: the directory goes next
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

// Dir is the run's temporary directory, removed by Close.
func (s *System) Dir() string { return s.dir }

// Start runs another program beside the services (its output goes to the service log), stopped by Close.
func (s *System) Start(name, path string, args ...string) (*Child, error) {
	return s.sup.Start(name, path, args...)
}
