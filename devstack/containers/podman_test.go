package containers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	devstack "prana/devstack/stack"
)

// envRun turns the container tests on; `make test-containers` sets it after
// building the images. Unset, the tests skip: the plain `make test` has no
// images to run. Set, a podman that does not work fails them.
const envRun = "PRANA_CONTAINER_TEST"

// podman runs the podman command line with the project's settings
// (devstack/containers/containers.conf) unless CONTAINERS_CONF says
// otherwise.
type podman struct{ env []string }

// requirePodman skips the test unless envRun is set, and fails it when
// podman cannot run a container.
func requirePodman(t *testing.T) podman {
	t.Helper()
	if os.Getenv(envRun) == "" {
		t.Skipf("container test: run `make test-containers` (it builds the images and sets %s=1)", envRun)
	}
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	env := os.Environ()
	if os.Getenv("CONTAINERS_CONF") == "" {
		env = append(env, "CONTAINERS_CONF="+filepath.Join(root, "devstack", "containers", "containers.conf"))
	}
	p := podman{env: env}
	if _, err := p.output(t.Context(), "version", "--format", "{{.Client.Version}}"); err != nil {
		t.Fatalf("%s is set but podman does not work (make test-containers installs it): %v", envRun, err)
	}
	return p
}

// command is podman with args, bound to ctx.
func (p podman) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "podman", args...)
	cmd.Env = p.env
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// output runs podman and returns its trimmed stdout; the error carries
// stderr.
func (p podman) output(ctx context.Context, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := p.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("podman %s: %w\n%s", strings.Join(args, " "), err, lastLines(stderr.String(), 20))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// must is output that fails the test on error.
func (p podman) must(t testing.TB, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := p.output(ctx, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// exitCode runs podman and returns its exit code (-1 if it did not run)
// and combined output.
func (p podman) exitCode(t testing.TB, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := p.command(ctx, args...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	default:
		t.Fatalf("podman %s: %v", strings.Join(args, " "), err)
		return -1, ""
	}
}

// logs is a container's output: the services log to stderr, which
// `podman logs` passes on as its own stderr.
func (p podman) logs(name string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, _ := p.command(ctx, "logs", name).CombinedOutput()
	return string(out)
}

// imageRef is the image of service name: PRANA_IMAGE_<NAME> or the tag
// `make test-containers` builds.
func imageRef(name string) string {
	if v := os.Getenv("PRANA_IMAGE_" + strings.ToUpper(name)); v != "" {
		return v
	}
	return "prana-" + name + ":dev"
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
