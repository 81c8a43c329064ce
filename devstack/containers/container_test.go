package containers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"prana/testkit/logtest"
)

// httpClient reaches the services on loopback only: no proxy from the
// environment.
var httpClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil}}

// container is one service container the test started.
type container struct {
	p            podman
	name, image  string
	service      string // auth, pdf, worker
	readyURL     string // where the host polls /readyz
	grace        time.Duration
	secrets      *[]string
	startToReady time.Duration // from the `podman start` call to /readyz 200
	procToReady  time.Duration // from the container's process start to /readyz 200
}

// hardened are the flags every service container runs with: as users
// would run the images, with nothing to spare. --read-only-tmpfs=false
// keeps podman from adding the writable /tmp and /run that Docker would not.
func hardened(name string) []string {
	return []string{
		"--name", name, "--network", "host", "--user", "65532:65532",
		"--read-only", "--read-only-tmpfs=false", "--cap-drop=ALL", "--security-opt", "no-new-privileges",
		// No systemd here to run the timer; the test runs the checks itself.
		"--health-interval=disable",
	}
}

// envFlags turns KEY=value settings into -e flags.
func envFlags(env []string) []string {
	var out []string
	for _, kv := range env {
		out = append(out, "-e", kv)
	}
	return out
}

// probeBefore runs the image's health-check command in a container of its
// own, before the service is started on addr: it must exit 1.
func probeBefore(t *testing.T, p podman, image string, env []string) {
	t.Helper()
	name := "prana-ct-probe-" + randomHex(4)
	args := slices.Concat([]string{"run", "--rm"}, hardened(name), envFlags(env), []string{image, "healthcheck"})
	code, out := p.exitCode(t, args...)
	if code != 1 {
		t.Errorf("%s healthcheck before the service runs exited %d, want 1\n%s", image, code, lastLines(out, 10))
	}
}

// startService creates and starts a service container and waits until
// readyURL answers 200 and the image's health check passes; it records how
// long that took. The container is removed when the test ends; its log is
// checked for secrets and shown when the test fails.
func startService(t *testing.T, p podman, c *container, env, extra []string) {
	t.Helper()
	c.p = p
	args := slices.Concat([]string{"create"}, hardened(c.name), extra, envFlags(env), []string{c.image})
	p.must(t, args...)
	t.Cleanup(func() {
		logs := p.logs(c.name)
		for _, f := range logtest.Scan(c.service, logs, *c.secrets) {
			t.Error(f)
		}
		if t.Failed() || os.Getenv("E2E_DUMP") != "" {
			t.Logf("--- last lines of %s ---\n%s", c.name, lastLines(logs, 30))
		}
		_, _ = p.output(context.Background(), "rm", "-f", "-t", "0", c.name)
	})
	start := time.Now()
	p.must(t, "start", c.name)
	ready := waitReady(t, c.readyURL, 30*time.Second, func() error {
		if state, _ := p.output(context.Background(), "inspect", "--format", "{{.State.Status}}", c.name); state == "exited" {
			return fmt.Errorf("%s exited before it was ready", c.name)
		}
		return nil
	})
	c.startToReady = ready.Sub(start)
	startedAt := p.must(t, "inspect", "--format", `{{.State.StartedAt.Format "2006-01-02T15:04:05.999999999Z07:00"}}`, c.name)
	if at, err := time.Parse(time.RFC3339Nano, startedAt); err == nil {
		c.procToReady = ready.Sub(at)
	} else {
		t.Errorf("%s StartedAt %q: %v", c.name, startedAt, err)
	}
	if code, out := p.exitCode(t, "healthcheck", "run", c.name); code != 0 {
		t.Errorf("%s: the image's health check exited %d once ready, want 0\n%s", c.name, code, out)
	}
}

// waitReady polls url every 2 ms until it answers 200 and returns when.
func waitReady(t *testing.T, url string, timeout time.Duration, alive func() error) time.Time {
	t.Helper()
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	deadline := time.Now().Add(timeout)
	lastAlive := time.Now()
	for time.Now().Before(deadline) {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Now()
			}
		}
		if time.Since(lastAlive) > 250*time.Millisecond {
			if err := alive(); err != nil {
				t.Fatal(err)
			}
			lastAlive = time.Now()
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("%s did not answer 200 within %s", url, timeout)
	return time.Time{}
}

// stop runs `podman stop` with the container's grace period and checks that
// the service exited 0 on SIGTERM within it.
func (c *container) stop(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	c.p.must(t, "stop", "-t", strconv.Itoa(int(c.grace.Seconds())), c.name)
	took := time.Since(start)
	code := c.p.must(t, "inspect", "--format", "{{.State.ExitCode}}", c.name)
	if code != "0" {
		t.Errorf("%s exited %s after podman stop, want 0 (137 means it was killed)", c.name, code)
	}
	if took >= c.grace {
		t.Errorf("%s took %s to stop, not within its grace period of %s", c.name, took, c.grace)
	}
	return took
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
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// report appends a line to the file PRANA_CONTAINER_REPORT names, if any
// (`make test-containers` collects the figures there), and logs it.
func report(t *testing.T, format string, args ...any) {
	t.Helper()
	line := fmt.Sprintf(format, args...)
	t.Log(line)
	path := os.Getenv("PRANA_CONTAINER_REPORT")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	fmt.Fprintln(f, strings.TrimRight(line, "\n"))
}
