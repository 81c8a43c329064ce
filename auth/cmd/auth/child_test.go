package main

// Some properties need the service in a process of its own: its memory
// peak (/proc VmHWM) must not include the test's, and its timing must not
// carry the race detector's cost (tests run with -race; argon2 under it is
// many times slower). These tests build the real binary once and run it
// on a real PostgreSQL.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"prana/testkit/pgtest"
)

// builtDir holds the binary once a test has built it.
var builtDir string

// removeBuiltBinary is called by TestMain once the tests are done.
func removeBuiltBinary() {
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
}

var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "prana-auth-bin-")
	if err != nil {
		return "", err
	}
	builtDir = dir
	bin := filepath.Join(dir, "auth")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// child is the auth binary running in a process of its own.
type child struct {
	base string
	dsn  string // its database
	cmd  *exec.Cmd
}

// startChild runs the binary on a fresh database with the default
// configuration plus env ("NAME=value"), until the test ends. Signups are
// not limited unless env sets a limit: these tests sign up many users from
// one address.
func startChild(t *testing.T, env ...string) *child {
	t.Helper()
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	dir, dsn := t.TempDir(), pgtest.NewDatabase(t)
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "DATA_DIR=" + filepath.Join(dir, "data"),
		"DATABASE_URL=" + dsn, "AUTH_ADDR=127.0.0.1:0", "LOG_LEVEL=info",
		"SIGNUP_RATE_PER_IP=0", "SIGNUP_RATE_PER_RANGE=0", "SIGNUP_RATE_PER_EMAIL=0",
	}, env...) // a later entry wins over an earlier one
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logs := suite.Buffer("auth binary (" + t.Name() + ")")
	addr := make(chan string, 1)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			_, _ = io.WriteString(logs, line+"\n")
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "auth ready" {
				addr <- rec.Addr
			}
		}
	}()
	c := &child{cmd: cmd, dsn: dsn}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { <-copied; done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("auth binary exited with %v", err)
			}
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("auth binary still running 20s after SIGTERM")
		}
	})
	select {
	case a := <-addr:
		c.base = "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatalf("auth binary not ready within 30s; its log:\n%s", logs)
	}
	return c
}

// memoryKiB reads a field of /proc/<pid>/status, e.g. VmHWM (the peak
// resident memory) or VmRSS, in KiB.
func (c *child) memoryKiB(t *testing.T, field string) int {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				t.Fatalf("%s: %q", field, line)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc status", field)
	return 0
}
