package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHealthcheckSubcommands runs the probes the compose file uses (the
// images have no shell or curl) against real running services, and against
// an address nobody serves.
func TestHealthcheckSubcommands(t *testing.T) {
	t.Parallel()
	s := startStack(t, stackOptions{})
	nobody := freeAddr(t)
	for _, c := range []struct {
		binary, addrVar, addr string
		healthy               bool
	}{
		{"auth", "AUTH_ADDR", strings.TrimPrefix(s.AuthURL, "http://"), true},
		{"pdf", "PDF_ADDR", strings.TrimPrefix(s.PDFURL, "http://"), true},
		{"auth", "AUTH_ADDR", nobody, false},
		{"pdf", "PDF_ADDR", nobody, false},
	} {
		cmd := exec.Command(filepath.Join(binDir, c.binary), "healthcheck")
		cmd.Dir = t.TempDir() // no stray .env
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir, c.addrVar + "=" + c.addr}
		out, err := cmd.CombinedOutput()
		if healthy := err == nil; healthy != c.healthy {
			t.Errorf("%s healthcheck with %s=%s: %v, want healthy=%v\n%s", c.binary, c.addrVar, c.addr, err, c.healthy, out)
		}
		if !c.healthy {
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Errorf("%s healthcheck of nobody exited %d, want 1", c.binary, code)
			}
		}
	}
}
