package main

import (
	"fmt"
	"os/exec"
	"sync"
	"time"
)

// child is a running service process.
type child struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited and its output is written; err is set by then
	err  error
}

// exited reports whether the process has exited.
func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// supervisor starts the service processes, reports the first to exit, and stops them all.
type supervisor struct {
	con  *console
	dir  string   // working directory of every child: the repository root, so relative paths like .data work
	env  []string // environment of every child
	exit chan *child

	mu       sync.Mutex
	children []*child
}

// maxChildren sizes the exit channel so that no child's watcher ever blocks on it.
const maxChildren = 16

// newSupervisor returns a supervisor whose children run in dir with env.
func newSupervisor(con *console, dir string, env []string) *supervisor {
	return &supervisor{con: con, dir: dir, env: env, exit: make(chan *child, maxChildren)}
}

// exits delivers each child once it has exited, whatever the reason.
func (s *supervisor) exits() <-chan *child {
	return s.exit
}

// start runs path with args as a child whose output lines are prefixed with name.
func (s *supervisor) start(name, path string, args ...string) (*child, error) {
	out := s.con.prefixed(name)
	cmd := exec.Command(path, args...)
	cmd.Dir, cmd.Env = s.dir, s.env
	// One writer for both streams: exec then uses a single pipe, so stdout and stderr keep their relative order.
	cmd.Stdout, cmd.Stderr = out, out
	// If the process exits but something it started keeps the pipe open, stop waiting for output after this.
	cmd.WaitDelay = 2 * time.Second
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, done: make(chan struct{})}
	s.mu.Lock()
	s.children = append(s.children, c)
	s.mu.Unlock()
	go func() {
		c.err = cmd.Wait()
		out.Flush()
		close(c.done)
		select {
		case s.exit <- c:
		default: // more children than maxChildren: nobody is waiting for that many anyway
		}
	}()
	return c, nil
}

// stop sends SIGTERM to every child still running, waits for them up to timeout, then kills the rest and waits
// for those too. log receives one line per child.
func (s *supervisor) stop(timeout time.Duration, log func(msg string, args ...any)) {
	s.mu.Lock()
	children := append([]*child(nil), s.children...)
	s.mu.Unlock()
	for _, c := range children {
		if !c.exited() {
			if err := terminate(c.cmd.Process); err != nil {
				log("could not signal "+c.name, "err", err)
			}
		}
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for _, c := range children {
		select {
		case <-c.done:
			log(c.name+" stopped", "exit", exitStatus(c.err))
		case <-deadline.C:
			for _, c := range children {
				if !c.exited() {
					log(fmt.Sprintf("%s did not stop within %s; killing it", c.name, timeout))
					_ = kill(c.cmd.Process) // it may have exited in the meantime
				}
			}
			for _, c := range children {
				<-c.done
			}
			return
		}
	}
}

// exitStatus describes how a process ended, for logs.
func exitStatus(err error) string {
	if err == nil {
		return "0"
	}
	return err.Error()
}
