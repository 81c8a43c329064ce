//go:build !unix

package stack

import (
	"os"
	"os/exec"
)

// ownProcessGroup does nothing where there are no process groups.
func ownProcessGroup(*exec.Cmd) {}

// terminate stops the child; without SIGTERM, that means killing it.
func terminate(p *os.Process) error {
	return p.Kill()
}

// kill stops the child at once.
func kill(p *os.Process) error {
	return p.Kill()
}
