package e2e

import (
	"bytes"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// faultEnv makes redelivery quick enough for a test: a 2 s visibility
// timeout, and 1 s long polls (the emulator requeues an expired message
// only on a new receive). The load these tests make sends each user's
// uploads faster than a person would: without a per-user upload limit they
// all answer 202 (a new upload while the user's job runs still answers
// that job).
var faultEnv = []string{"SQS_VISIBILITY_TIMEOUT=2s", "SQS_WAIT_TIME=1s", "UPLOAD_RATE_PER_USER=0"}

// sigtermEnv keeps a received message invisible for 20 s: far longer than
// a worker's stop takes, so a message it abandons is still counted in
// flight right after the stop, yet short enough that an ordinary failed
// attempt (under load) is retried within sigtermJobsDeadline.
var sigtermEnv = []string{"SQS_VISIBILITY_TIMEOUT=20s", "SQS_WAIT_TIME=1s", "UPLOAD_RATE_PER_USER=0"}

const sigtermJobsDeadline = 90 * time.Second

// startWorker starts one more pdf-worker with the stack's settings, edited
// by env (later settings win), and waits until it consumes.
func (s *stack) startWorker(t *testing.T, env ...string) *proc {
	t.Helper()
	w := startProc(t, "pdf-worker", s.dir, slices.Concat(s.pdfEnv, env), 30*time.Second)
	s.procs = append(s.procs, w)
	waitFor(t, 30*time.Second, "pdf-worker to start consuming", func() (bool, error) {
		return strings.Count(w.log(), "sqs consumer started") > 0, w.exitErr()
	})
	return w
}

// kill sends SIGKILL to p, waits for it to die, and forgets it, so the
// stack's shutdown does not expect a clean exit from it.
func (s *stack) kill(t *testing.T, p *proc) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL %s: %v", p.name, err)
	}
	<-p.done
	s.forget(p)
}

// stopProc sends SIGTERM to p, checks it exits 0 in its grace period, and
// forgets it.
func (s *stack) stopProc(t *testing.T, p *proc) {
	t.Helper()
	p.stop(t)
	s.forget(p)
}

func (s *stack) forget(p *proc) {
	s.procs = slices.DeleteFunc(s.procs, func(q *proc) bool { return q == p })
}

// uploadGate is a reverse proxy to the emulator that holds each upload of
// a profile PDF until released, and keeps a copy of its body: what the
// worker was about to store.
type uploadGate struct {
	URL     string
	started chan []byte // the body of each held upload, as it arrives
	release chan struct{}
}

func newUploadGate(t *testing.T) *uploadGate {
	t.Helper()
	target, err := url.Parse(kumoURL)
	if err != nil {
		t.Fatal(err)
	}
	g := &uploadGate{started: make(chan []byte, 10), release: make(chan struct{})}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // a killed client's calls fail: expected
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/profile_") {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				return
			}
			select {
			case g.started <- body:
			default:
			}
			select {
			case <-g.release:
			case <-r.Context().Done():
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		proxy.ServeHTTP(w, r)
	}))
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(g.release) }); srv.Close() })
	g.URL = srv.URL
	return g
}

// isRefused tells a request the server never accepted (nothing listening)
// from one it accepted and then dropped.
func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
