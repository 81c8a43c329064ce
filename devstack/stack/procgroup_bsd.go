//go:build unix && !linux

package stack

import "syscall"

// sysProcAttr starts a child in its own process group. Unlike Linux, these systems cannot stop the child when
// the supervising tool dies, so after a kill -9 the services may need stopping by hand.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
