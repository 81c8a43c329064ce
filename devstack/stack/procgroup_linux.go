package stack

import "syscall"

// sysProcAttr starts a child in its own process group and, on Linux, has the kernel send it SIGTERM if the
// supervising tool (prana-dev, prana-bench) dies without stopping it (kill -9, a crash): otherwise the services
// would linger, holding their ports, and the next run would fail. (Pdeathsig follows the thread that started the child; the Go runtime keeps
// its threads, so in practice that is the process.)
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
