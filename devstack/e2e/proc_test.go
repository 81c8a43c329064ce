package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// proc is one running binary whose output goes to a log file.
type proc struct {
	name    string
	grace   time.Duration // how long SIGTERM may take
	logPath string
	cmd     *exec.Cmd
	done    chan struct{} // closed once the process has exited
	err     error         // Wait's result; read after done
}

// startProc starts binDir/name in dir (so no stray .env is read) with exactly
// env, its stdout and stderr appended to dir/name.log.
func startProc(t testing.TB, name, dir string, env []string, grace time.Duration) *proc {
	t.Helper()
	p := &proc{name: name, grace: grace, logPath: filepath.Join(dir, name+".log"), done: make(chan struct{})}
	f, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(filepath.Join(binDir, name))
	p.cmd.Dir = dir
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = f, f
	setProcAttr(p.cmd)
	if err := p.cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) log() string {
	b, _ := os.ReadFile(p.logPath)
	return string(b)
}

// stop sends SIGTERM and checks that the process exits with status 0 within
// its grace period. It kills a process that overstays.
func (p *proc) stop(t testing.TB) {
	t.Helper()
	if p.exited() {
		t.Errorf("%s had already exited before SIGTERM: %v", p.name, p.err)
		return
	}
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("SIGTERM %s: %v", p.name, err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("%s exited with %v after SIGTERM, want status 0", p.name, p.err)
		} else {
			t.Logf("%s stopped cleanly in %s", p.name, time.Since(start).Round(time.Millisecond))
		}
	case <-time.After(p.grace):
		t.Errorf("%s still running %s after SIGTERM; killing it", p.name, p.grace)
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func (p *proc) exitErr() error {
	if !p.exited() {
		return nil
	}
	return fmt.Errorf("%s exited early (%v)", p.name, p.err)
}
