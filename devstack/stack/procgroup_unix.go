//go:build unix

package stack

import (
	"os"
	"os/exec"
	"syscall"
)

// ownProcessGroup puts the child in a process group of its own. Ctrl-C in the terminal signals the whole
// foreground group; without this the services would get SIGINT at the same moment as the supervising tool and stop in no
// particular order, instead of being stopped by it with SIGTERM.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = sysProcAttr()
}

// terminate asks the child's process group to stop.
func terminate(p *os.Process) error {
	return syscall.Kill(-p.Pid, syscall.SIGTERM)
}

// kill stops the child's process group at once.
func kill(p *os.Process) error {
	return syscall.Kill(-p.Pid, syscall.SIGKILL)
}
