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

// system is Prana as `make run` starts it (PostgreSQL, the kumo emulator, auth, pdf, the worker), every piece
// private to this run: a cluster in a temporary directory, free loopback ports, the default queue and bucket.
type system struct {
	dir               string
	pg                *pgcluster.Cluster
	emu               *stack.Emulator
	sup               *stack.Supervisor
	authURL, pdfURL   string
	auth, pdf, worker *stack.Child
}

const stopGrace = 30 * time.Second

func startSystem(ctx context.Context, root string, logs io.Writer) (_ *system, err error) {
	dir, err := os.MkdirTemp("", "prana-soak-")
	if err != nil {
		return nil, err
	}
	// The postgres user (we may be root) must be able to reach the cluster below.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	s := &system{dir: dir}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	fmt.Println("prana-soak: building the services")
	bins := filepath.Join(dir, "bin")
	if err := stack.Build(ctx, root, bins, []string{"./auth/cmd/auth", "./pdf/cmd/pdf", "./pdf/cmd/pdf-worker"}, os.Stdout); err != nil {
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
	if s.auth, err = s.startReady(ctx, "auth", s.authURL, filepath.Join(bins, "auth")); err != nil {
		return nil, err
	}
	if s.pdf, err = s.startReady(ctx, "pdf", s.pdfURL, filepath.Join(bins, "pdf")); err != nil {
		return nil, err
	}
	s.worker, err = s.sup.Start("worker", filepath.Join(bins, "pdf-worker"))
	return s, err
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
	fmt.Println("prana-soak: starting PostgreSQL")
	if err := s.pg.Init(ctx); err != nil {
		return err
	}
	if err := s.pg.Start(ctx); err != nil {
		s.pg = nil
		return err
	}
	return s.pg.CreateDatabase(ctx, "prana")
}

// env is what every service gets: prana-dev's settings pointed at this run's pieces, the login rate limits off
// (one client address sends all the logins: the limiter would turn the soak into a test of itself).
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
		"LOGIN_RATE_PER_IP=0", "LOGIN_RATE_PER_IP_EMAIL=0", "LOGIN_RATE_PER_EMAIL=0",
	}
}

var pollClient = &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}

// startReady starts a service and waits until its /readyz answers 200.
func (s *system) startReady(ctx context.Context, name, url, path string) (*stack.Child, error) {
	c, err := s.sup.Start(name, path)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		if resp, err := pollClient.Get(url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c, nil
			}
		}
		select {
		case <-c.Done():
			return nil, fmt.Errorf("%s exited (%s) before it was ready; see the service log", name, stack.ExitStatus(c.Err))
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: /readyz not 200: %w", name, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// close stops everything this run started and removes its directory.
func (s *system) close() {
	if s.sup != nil {
		s.sup.Stop(stopGrace, func(string, ...any) {})
	}
	if s.emu != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.emu.Close(ctx)
		cancel()
	}
	if s.pg != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := s.pg.Stop(ctx); err != nil {
			fmt.Println("prana-soak: stopping PostgreSQL:", err)
		}
		cancel()
	}
	_ = os.RemoveAll(s.dir)
}
