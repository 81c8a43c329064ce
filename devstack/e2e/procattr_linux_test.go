package e2e

import (
	"os/exec"
	"syscall"
)

// setProcAttr has the kernel kill a child if the test binary dies without
// stopping it (a -timeout panic, kill -9): a lingering worker would poll a
// dead emulator for ever. (Pdeathsig follows the thread that started the
// child; the Go runtime keeps its threads, so in practice that is the test
// process.)
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
