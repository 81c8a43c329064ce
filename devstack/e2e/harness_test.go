// Package e2e tests Prana end to end: the real auth, pdf and pdf-worker
// binaries, built once per run, talk over loopback HTTP to a throwaway
// PostgreSQL (pgtest) and an in-process S3+SQS emulator (kumo), as they do
// under `make run`.
//
// Run with `go test ./devstack/e2e/` from the repository root. It needs the
// PostgreSQL server binaries (or TEST_DATABASE_URL), pdftotext
// (poppler-utils) and /usr/bin/chromium; `make test-deps` installs the last
// two. E2E_DUMP=1 prints the services' logs of passing tests too.
package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sivchari/kumo"

	devstack "prana/devstack/stack"
	"prana/testkit/logtest"
	"prana/testkit/pgtest"
)

// Clients for loopback only: no proxy from the environment, and a bound on
// every request.
var (
	httpClient  = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil}}
	readyClient = &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil}}
)

// Set by TestMain: where the binaries are and where the emulator answers.
var (
	binDir  string
	kumoURL string
)

func TestMain(m *testing.M) { os.Exit(mainE2E(m)) }

func mainE2E(m *testing.M) int {
	root, err := devstack.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "prana-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", dir+string(filepath.Separator),
		"./auth/cmd/auth", "./pdf/cmd/pdf", "./pdf/cmd/pdf-worker")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build in %s: %v\n%s", root, err, out)
		return 1
	}
	binDir = dir
	// One emulator per process: kumo keeps its state in package-level
	// singletons. Each stack isolates itself with its own queue and bucket.
	emu := kumo.NewServer()
	defer emu.Close()
	kumoURL = emu.URL
	return pgtest.Main(m)
}

// stackOptions say how a stack differs from the default (EdDSA) one.
type stackOptions struct {
	env    []string // extra settings for every process, e.g. ALGORITHM=HS256
	worker bool     // also run pdf-worker
}

// stack is one auth + pdf (+ worker) set on its own database, queue and bucket.
type stack struct {
	AuthURL, PDFURL string
	Queue, Bucket   string

	dir     string
	pdfEnv  []string // how the pdf service was started, for restarts
	procs   []*proc
	mu      sync.Mutex
	secrets []string // passwords and tokens that must not reach any log
	stopped bool
}

// startStack starts a stack and registers its shutdown: when the test ends,
// each process must exit 0 within its grace period, and its log must be slog
// JSON holding no registered secret and no JWT.
func startStack(t *testing.T, opts stackOptions) *stack {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	id := randomHex(4)
	s := &stack{dir: t.TempDir(), Queue: "e2e-" + id, Bucket: "e2e-" + id}
	t.Cleanup(func() {
		s.shutdown(t)
		s.checkLogs(t)
		if t.Failed() || os.Getenv("E2E_DUMP") != "" {
			s.dumpLogs(t)
		}
	})
	// A minimal environment: nothing from the developer's shell leaks in.
	// A short long poll: a stopped worker waits out the one it has open.
	base := slices.Concat([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + s.dir, "LOG_LEVEL=debug", "SQS_WAIT_TIME=1s"}, opts.env)

	// auth sends erasures to the worker's queue: it needs the AWS settings too.
	aws := []string{
		"AWS_ENDPOINT_URL=" + kumoURL, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_DEFAULT_REGION=us-east-1", "SQS_QUEUE_NAME=" + s.Queue,
	}
	s.AuthURL = s.startHTTP(t, "auth", "AUTH_ADDR", slices.Concat(base, aws, []string{
		"DATABASE_URL=" + dsn, "DATA_DIR=" + filepath.Join(s.dir, "data"), "ERASURE_RELAY_INTERVAL=200ms",
	}))
	awsEnv := slices.Concat(base, aws, []string{
		"AUTH_JWKS_URL=" + s.AuthURL + "/.well-known/jwks.json", "S3_BUCKET_NAME=" + s.Bucket,
	})
	var w *proc
	if opts.worker {
		w = startProc(t, "pdf-worker", s.dir, awsEnv, 30*time.Second)
		s.procs = append(s.procs, w)
	}
	s.pdfEnv = awsEnv
	s.PDFURL = s.startHTTP(t, "pdf", "PDF_ADDR", awsEnv)
	if w != nil {
		waitFor(t, 30*time.Second, "pdf-worker to start consuming", func() (bool, error) {
			return strings.Contains(w.log(), "sqs consumer started"), w.exitErr()
		})
	}
	return s
}

// startHTTP starts a service on a free loopback port and waits for its
// /readyz. A port taken between choosing and binding it is retried.
func (s *stack) startHTTP(t *testing.T, name, addrVar string, env []string) string {
	t.Helper()
	for attempt := 1; ; attempt++ {
		url := "http://" + freeAddr(t)
		env := slices.Concat(env, []string{addrVar + "=" + strings.TrimPrefix(url, "http://")})
		p := startProc(t, name, s.dir, env, 10*time.Second)
		s.procs = append(s.procs, p)
		var ready bool
		waitFor(t, 30*time.Second, name+" /readyz", func() (bool, error) {
			if p.exited() {
				if strings.Contains(p.log(), "address already in use") && attempt < 3 {
					return true, nil
				}
				return false, p.exitErr()
			}
			resp, err := readyClient.Get(url + "/readyz")
			if err != nil {
				return false, nil
			}
			resp.Body.Close()
			ready = resp.StatusCode == http.StatusOK
			return ready, nil
		})
		if ready {
			return url
		}
		s.procs = s.procs[:len(s.procs)-1]
	}
}

// restartPDF stops the pdf service (SIGTERM, exit 0 checked) and starts a
// new one with the same settings; it returns the new base URL.
func (s *stack) restartPDF(t *testing.T) string {
	t.Helper()
	for i, p := range s.procs {
		if p.name == "pdf" {
			p.stop(t)
			s.procs = append(s.procs[:i], s.procs[i+1:]...)
			break
		}
	}
	s.PDFURL = s.startHTTP(t, "pdf", "PDF_ADDR", s.pdfEnv)
	return s.PDFURL
}

// secret registers values that no service may ever log.
func (s *stack) secret(v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets = append(s.secrets, v...)
}

// shutdown sends SIGTERM to every process at once and checks each exit.
func (s *stack) shutdown(t testing.TB) {
	t.Helper()
	if s.stopped {
		return
	}
	s.stopped = true
	var wg sync.WaitGroup
	for _, p := range s.procs {
		wg.Go(func() { p.stop(t) })
	}
	wg.Wait()
}

func (s *stack) checkLogs(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.procs {
		log := p.log()
		// Secrets, any JWT or argon2 hash, raw control characters, and
		// lines that are not one JSON object each (forged by injection).
		for _, f := range logtest.Scan(p.name, log, s.secrets) {
			t.Error(f)
		}
		for l := range strings.Lines(log) {
			var rec struct{ Level, Msg *string }
			if err := json.Unmarshal([]byte(l), &rec); err != nil || rec.Level == nil || rec.Msg == nil {
				t.Errorf("%s logged a line that is not slog JSON: %.200q", p.name, l)
				break
			}
		}
	}
}

func (s *stack) dumpLogs(t testing.TB) {
	t.Helper()
	for _, p := range s.procs {
		lines := strings.Split(strings.TrimRight(p.log(), "\n"), "\n")
		t.Logf("--- last lines of %s (%s) ---\n%s", p.name, p.logPath, strings.Join(lines[max(0, len(lines)-30):], "\n"))
	}
}

// waitFor polls check every 100 ms until it reports done, failing the test
// when it returns an error or timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, check func() (bool, error)) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		done, err := check()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if done {
			return
		}
		select {
		case <-deadline.C:
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		case <-tick.C:
		}
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails
	return hex.EncodeToString(b)
}
