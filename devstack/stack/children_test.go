package stack

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// safeBuffer is a bytes.Buffer that tests may read while children write to it.
type safeBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestSupervisorReportsExitAndPrefixesOutput(t *testing.T) {
	t.Parallel()
	var out safeBuffer
	sup := NewSupervisor(NewConsole(&out), t.TempDir(), []string{"GREETING=hello"})
	if _, err := sup.Start("job", "/bin/sh", "-c", `echo "$GREETING"; echo oops >&2; exit 3`); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-sup.Exits():
		if c.Name != "job" || ExitStatus(c.Err) != "exit status 3" {
			t.Errorf("exit of %s: %s", c.Name, ExitStatus(c.Err))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit reported")
	}
	if got, want := out.String(), "job    | hello\njob    | oops\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

func TestSupervisorStopsWithSIGTERMThenKills(t *testing.T) {
	t.Parallel()
	var out safeBuffer
	sup := NewSupervisor(NewConsole(&out), t.TempDir(), nil)
	// polite stops on SIGTERM; stubborn ignores it and must be killed.
	if _, err := sup.Start("polite", "/bin/sh", "-c", `trap 'echo bye; exit 0' TERM; echo up; while :; do sleep 0.1; done`); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.Start("stubborn", "/bin/sh", "-c", `trap '' TERM; echo up; while :; do sleep 0.1; done`); err != nil {
		t.Fatal(err)
	}
	stopAtEnd(t, sup)
	// The traps are set once "up" is printed.
	waitOutput(t, &out, nil, "polite | up", "stubborn | up")
	var logs []string
	start := time.Now()
	sup.Stop(time.Second, func(msg string, _ ...any) { logs = append(logs, msg) })
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("stop took %s", took)
	}
	if !strings.Contains(out.String(), "polite | bye") {
		t.Errorf("polite did not get SIGTERM: %q", out.String())
	}
	if joined := strings.Join(logs, "\n"); !strings.Contains(joined, "polite stopped") ||
		!strings.Contains(joined, "stubborn did not stop within 1s; killing it") {
		t.Errorf("stop log:\n%s", joined)
	}
}

func TestStartEnvAddsSettingsAndStopEndsOneChild(t *testing.T) {
	t.Parallel()
	var out safeBuffer
	sup := NewSupervisor(NewConsole(&out), t.TempDir(), []string{"GREETING=hello", "NAME=base"})
	c, err := sup.StartEnv("job", []string{"NAME=extra"}, "/bin/sh", "-c", `trap 'exit 0' TERM; echo "$GREETING $NAME"; while :; do sleep 0.1; done`)
	if err != nil {
		t.Fatal(err)
	}
	stopAtEnd(t, sup)
	waitOutput(t, &out, c.Exited, "job    | hello extra")
	if c.Pid() <= 0 {
		t.Errorf("pid %d", c.Pid())
	}
	if !c.Stop(10 * time.Second) {
		t.Error("did not stop on SIGTERM")
	}
	if !c.Exited() || c.Err != nil {
		t.Errorf("after Stop: exited %v, err %v", c.Exited(), c.Err)
	}
}

// waitOutput waits until out holds every one of wants. It fails the test
// when gone (if given) reports the child exited first, or after a deadline:
// a child that never prints must not hang the run.
func waitOutput(t *testing.T, out *safeBuffer, gone func() bool, wants ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		missing := slices.DeleteFunc(slices.Clone(wants), func(w string) bool { return strings.Contains(out.String(), w) })
		switch {
		case len(missing) == 0:
			return
		case gone != nil && gone():
			t.Fatalf("the child exited before printing %q; output %q", missing, out.String())
		case time.Now().After(deadline):
			t.Fatalf("no %q after 10s; output %q", missing, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stopAtEnd stops what sup still runs when the test ends, so a test that
// fails early leaves no child looping behind it.
func stopAtEnd(t *testing.T, sup *Supervisor) {
	t.Cleanup(func() { sup.Stop(time.Second, func(string, ...any) {}) })
}
