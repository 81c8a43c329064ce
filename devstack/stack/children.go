package stack

import (
	"fmt"
	"os/exec"
	"slices"
	"sync"
	"time"
)

// Child is a running service process.
type Child struct {
	Name string
	Cmd  *exec.Cmd
	// Err is how the process ended (nil: exit 0); set before Done is closed.
	Err error

	done chan struct{} // closed once the process has exited and its output is written
}

// Pid is the process id.
func (c *Child) Pid() int {
	return c.Cmd.Process.Pid
}

// Done is closed once the process has exited and its output is written.
func (c *Child) Done() <-chan struct{} {
	return c.done
}

// Exited reports whether the process has exited.
func (c *Child) Exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Stop sends SIGTERM to the child's process group, waits up to timeout, then kills it and waits for that. It
// reports whether the child stopped on SIGTERM.
func (c *Child) Stop(timeout time.Duration) bool {
	if c.Exited() {
		return true
	}
	_ = terminate(c.Cmd.Process) // it may have exited in the meantime
	select {
	case <-c.done:
		return true
	case <-time.After(timeout):
		_ = kill(c.Cmd.Process)
		<-c.done
		return false
	}
}

// Supervisor starts the service processes, reports the first to exit, and stops them all.
type Supervisor struct {
	con  *Console
	dir  string   // working directory of every child: the repository root, so relative paths like .data work
	env  []string // environment of every child
	exit chan *Child

	mu       sync.Mutex
	children []*Child
}

// maxChildren sizes the exit channel so that no child's watcher ever blocks on it.
const maxChildren = 16

// NewSupervisor returns a Supervisor whose children run in dir with env.
func NewSupervisor(con *Console, dir string, env []string) *Supervisor {
	return &Supervisor{con: con, dir: dir, env: env, exit: make(chan *Child, maxChildren)}
}

// Exits delivers each child once it has exited, whatever the reason.
func (s *Supervisor) Exits() <-chan *Child {
	return s.exit
}

// Start runs path with args as a child whose output lines are prefixed with name.
func (s *Supervisor) Start(name, path string, args ...string) (*Child, error) {
	return s.StartEnv(name, nil, path, args...)
}

// StartEnv is Start with extra environment settings ("KEY=value") for this child only; they win over the
// supervisor's.
func (s *Supervisor) StartEnv(name string, extra []string, path string, args ...string) (*Child, error) {
	out := s.con.Prefixed(name)
	cmd := exec.Command(path, args...)
	cmd.Dir, cmd.Env = s.dir, slices.Concat(s.env, extra)
	// One writer for both streams: exec then uses a single pipe, so stdout and stderr keep their relative order.
	cmd.Stdout, cmd.Stderr = out, out
	// If the process exits but something it started keeps the pipe open, stop waiting for output after this.
	cmd.WaitDelay = 2 * time.Second
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &Child{Name: name, Cmd: cmd, done: make(chan struct{})}
	s.mu.Lock()
	s.children = append(s.children, c)
	s.mu.Unlock()
	go func() {
		c.Err = cmd.Wait()
		out.Flush()
		close(c.done)
		select {
		case s.exit <- c:
		default: // more children than maxChildren: nobody is waiting for that many anyway
		}
	}()
	return c, nil
}

// Stop sends SIGTERM to every child still running, waits for them up to timeout, then kills the rest and waits
// for those too. log receives one line per child.
func (s *Supervisor) Stop(timeout time.Duration, log func(msg string, args ...any)) {
	s.mu.Lock()
	children := append([]*Child(nil), s.children...)
	s.mu.Unlock()
	for _, c := range children {
		if !c.Exited() {
			if err := terminate(c.Cmd.Process); err != nil {
				log("could not signal "+c.Name, "err", err)
			}
		}
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for _, c := range children {
		select {
		case <-c.done:
			log(c.Name+" stopped", "exit", ExitStatus(c.Err))
		case <-deadline.C:
			for _, c := range children {
				if !c.Exited() {
					log(fmt.Sprintf("%s did not stop within %s; killing it", c.Name, timeout))
					_ = kill(c.Cmd.Process) // it may have exited in the meantime
				}
			}
			for _, c := range children {
				<-c.done
			}
			return
		}
	}
}

// ExitStatus describes how a process ended, for logs.
func ExitStatus(err error) string {
	if err == nil {
		return "0"
	}
	return err.Error()
}
