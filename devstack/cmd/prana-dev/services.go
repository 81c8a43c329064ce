package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"path/filepath"
	"time"

	"prana/devstack/stack"
)

// service is one program prana-dev builds and runs.
type service struct {
	name     string   // log prefix
	pkg      string   // package to build, relative to the repository root
	readyURL string   // answers 200 once the service can take requests; "" when it has no port (the worker)
	after    string   // a service that must be ready before this one starts
	urls     []string // what to show the developer once everything is up
}

// services lists what prana-dev runs, in start order. The pdf service and the worker verify tokens with auth's
// JWKS, so they start once auth is ready. The packages are written alongside this tool: a missing one is
// skipped with a notice rather than failing the run.
var services = []service{
	{name: "auth", pkg: "./auth/cmd/auth", readyURL: "http://localhost:8001/readyz", urls: []string{
		"auth API docs    http://localhost:8001/docs",
		"sign up          POST http://localhost:8001/api/auth/signup",
		"log in           POST http://localhost:8001/api/auth/login",
	}},
	{name: "pdf", pkg: "./pdf/cmd/pdf", readyURL: "http://localhost:8002/readyz", after: "auth", urls: []string{
		"pdf API docs     http://localhost:8002/docs",
		"download PDF     GET  http://localhost:8002/api/pdf/download",
		"upload to S3     POST http://localhost:8002/api/pdf/upload-to-s3",
	}},
	{name: "worker", pkg: "./pdf/cmd/pdf-worker", after: "auth"},
}

// readyTimeout is how long a service may take to answer its readiness check.
const readyTimeout = 60 * time.Second

// binDir is where the service binaries go, relative to the repository root.
const binDir = ".data/bin"

// binary is the path of a built service, named after its package directory as `go build -o dir/` does.
func (s service) binary(root string) string {
	return filepath.Join(root, binDir, path.Base(s.pkg))
}

// present keeps the services whose package directory holds Go files, logging the ones it skips.
func present(root string, all []service, log *slog.Logger) []service {
	var out []service
	for _, s := range all {
		files, _ := filepath.Glob(filepath.Join(root, s.pkg, "*.go")) // constant pattern: no error possible
		if len(files) == 0 {
			log.Warn("skipping "+s.name+": its package does not exist yet", "pkg", s.pkg)
			continue
		}
		out = append(out, s)
	}
	return out
}

// build compiles the services in one `go build` into root/.data/bin.
func build(ctx context.Context, root string, svcs []service, con *stack.Console) error {
	if len(svcs) == 0 {
		return nil
	}
	var pkgs []string
	for _, s := range svcs {
		pkgs = append(pkgs, s.pkg)
	}
	out := con.Prefixed("build")
	defer out.Flush()
	return stack.Build(ctx, root, filepath.Join(root, binDir), pkgs, out)
}

// waitReady polls url until it answers 200. It gives up when timeout passes, when ctx ends, or when any child
// exits (a service that crashed on start will never become ready; say so at once).
func waitReady(ctx context.Context, name, url string, timeout time.Duration, exits <-chan *stack.Child) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	var last string // what the last attempt got
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return fmt.Errorf("readiness of %s: %w", name, err)
		}
		if resp, err := client.Do(req); err != nil {
			last = err.Error()
		} else {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		}
		select {
		case c := <-exits:
			return fmt.Errorf("%s exited (%s) while waiting for %s to become ready", c.Name, stack.ExitStatus(c.Err), name)
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("%s did not become ready: GET %s got no 200 within %s (last: %s)", name, url, timeout, last)
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}
