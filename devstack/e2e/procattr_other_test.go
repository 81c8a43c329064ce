//go:build !linux

package e2e

import "os/exec"

// setProcAttr does nothing outside Linux, which has no parent-death signal.
func setProcAttr(*exec.Cmd) {}
