package containers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"prana/auth/authclient"
	devstack "prana/devstack/stack"
	"prana/pdf/pdfclient"
)

// envNetns marks the test process that runs inside a network namespace of
// its own (see TestComposeWithStandIns).
const envNetns = "PRANA_COMPOSE_NETNS"

// standins is the override that swaps the third-party images.
const standins = "devstack/containers/compose.standins.yml"

// composeSpec is what the test reads from docker-compose.yml.
type composeSpec struct {
	Services map[string]struct {
		DependsOn       map[string]struct{ Condition string } `yaml:"depends_on"`
		StopGracePeriod string                                `yaml:"stop_grace_period"`
		Healthcheck     struct{ Test []string }               `yaml:"healthcheck"`
		Ports           []string                              `yaml:"ports"`
	} `yaml:"services"`
}

// stages is the order the test starts the services in, each stage once
// the one before is healthy (or, for migrate, has exited 0): what
// depends_on's conditions ask, which podman-compose 1.0.3 ignores.
var stages = [][]string{{"postgres", "localstack"}, {"migrate"}, {"auth"}, {"pdf", "worker"}}

// TestComposeWithStandIns runs docker-compose.yml with podman-compose and
// the stand-in override, in a network namespace of its own (the machine's
// own PostgreSQL may hold port 5432, a developer's `make run` 4566): the
// start-up order its depends_on asks for, every health check it declares,
// the .env interpolation, the published ports, a user's whole flow, and a
// stop of each service within its grace period.
func TestComposeWithStandIns(t *testing.T) {
	p := requirePodman(t)
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("podman-compose"); err != nil {
		t.Fatalf("%s is set but podman-compose is missing (make test-containers installs it)", envRun)
	}
	if os.Getenv(envNetns) == "" {
		buildThroughCompose(t, p, root)
		reexecInNetns(t)
		return
	}
	spec := readCompose(t, root)
	checkStages(t, spec)

	// A project directory of the test's own: the compose file as
	// committed, the override, and a .env whose values differ from every
	// default, so that interpolation shows.
	dir := t.TempDir()
	copyFile(t, filepath.Join(root, "docker-compose.yml"), filepath.Join(dir, "docker-compose.yml"))
	copyFile(t, filepath.Join(root, standins), filepath.Join(dir, "compose.standins.yml"))
	dotEnv := map[string]string{
		"POSTGRES_USER": "ct_user", "POSTGRES_PASSWORD": "ct-pw-" + randomHex(6), "POSTGRES_DB": "ct_db",
		"S3_BUCKET_NAME": "ct-pdfs", "SQS_QUEUE_NAME": "ct-tasks", "LOG_LEVEL": "debug",
	}
	var env strings.Builder
	for k, v := range dotEnv {
		fmt.Fprintf(&env, "%s=%s\n", k, v)
	}
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(env.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	project := "pranact" + randomHex(3)
	compose := func(args ...string) (string, error) {
		cmd := exec.Command("podman-compose", slices.Concat([]string{"-p", project,
			"-f", "docker-compose.yml", "-f", "compose.standins.yml"}, args)...)
		cmd.Dir, cmd.Env = dir, p.env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	t.Cleanup(func() {
		if out, err := compose("down", "-v", "-t", "1"); err != nil {
			t.Logf("podman-compose down: %v\n%s", err, lastLines(out, 10))
		}
		// podman-compose 1.0.3's down leaves the project's network.
		_, _ = p.output(context.Background(), "network", "rm", "-f", project+"_default")
	})
	name := func(service string) string { return project + "_" + service + "_1" }

	for _, stage := range stages {
		if out, err := compose(slices.Concat([]string{"up", "-d", "--no-build"}, stage)...); err != nil {
			t.Fatalf("podman-compose up %s: %v\n%s", stage, err, lastLines(out, 20))
		}
		for _, svc := range stage {
			if svc == "migrate" {
				waitExited(t, p, name(svc), 60*time.Second)
				continue
			}
			start := time.Now()
			waitHealthy(t, p, name(svc), spec.Services[svc].Healthcheck.Test, 90*time.Second)
			report(t, "compose %-10s healthy %d ms after `podman-compose up`", svc, time.Since(start).Milliseconds())
		}
	}
	for _, svc := range []string{"auth", "pdf", "worker"} {
		if n := p.must(t, "inspect", "--format", "{{.RestartCount}}", name(svc)); n != "0" {
			t.Logf("%s restarted %s times before it was healthy; its log:\n%s", svc, n, lastLines(p.logs(name(svc)), 15))
		}
	}
	// podman-compose 1.0.3 hands each health check to podman wrapped in
	// /bin/sh -c, which images FROM scratch do not have.
	for _, svc := range []string{"auth", "pdf", "worker"} {
		code, out := p.exitCode(t, "healthcheck", "run", name(svc))
		t.Logf("podman healthcheck run %s (as podman-compose 1.0.3 set it up): exit %d %s", name(svc), code, strings.TrimSpace(out))
	}

	// .env reached every service that takes its values.
	for svc, want := range map[string][]string{
		"postgres": {"POSTGRES_USER=ct_user", "POSTGRES_DB=ct_db"},
		"auth":     {"POSTGRES_USER=ct_user", "POSTGRES_DB=ct_db", "POSTGRES_HOST=postgres"},
		"pdf":      {"S3_BUCKET_NAME=ct-pdfs", "SQS_QUEUE_NAME=ct-tasks", "S3_PUBLIC_URL=http://localhost:4566/ct-pdfs"},
		"worker":   {"S3_BUCKET_NAME=ct-pdfs", "SQS_QUEUE_NAME=ct-tasks"},
	} {
		got := p.must(t, "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", name(svc))
		for _, kv := range want {
			if !slices.Contains(strings.Split(got, "\n"), kv) {
				t.Errorf("%s: no %s in its environment (.env not interpolated?)", svc, kv)
			}
		}
	}

	// The published ports, from the host.
	for _, hp := range []string{"localhost:5432", "localhost:4566", "localhost:8001", "localhost:8002"} {
		c, err := net.DialTimeout("tcp", hp, 3*time.Second)
		if err != nil {
			t.Errorf("published port %s: %v", hp, err)
			continue
		}
		c.Close()
	}

	// A user's whole flow through the published ports.
	flowThroughCompose(t, dotEnv["S3_BUCKET_NAME"])

	// Each stops on SIGTERM within its grace period (podman-compose 1.0.3
	// ignores stop_grace_period: `down` gives everything the same -t).
	for _, svc := range []string{"pdf", "worker", "auth", "localstack", "postgres"} {
		grace := 10 * time.Second
		if g := spec.Services[svc].StopGracePeriod; g != "" {
			if grace, err = time.ParseDuration(g); err != nil {
				t.Fatalf("%s stop_grace_period %q: %v", svc, g, err)
			}
		}
		c := &container{p: p, name: name(svc), grace: grace}
		took := c.stop(t)
		report(t, "compose %-10s stopped in %d ms (grace %s)", svc, took.Milliseconds(), grace)
	}
}

// buildThroughCompose builds our images with podman-compose from the
// compose file's build sections, outside the network namespace (the module
// proxy may be needed). scripts/build-images built the same layers, so this
// mostly checks that the sections name the right context, file and target.
func buildThroughCompose(t *testing.T, p podman, root string) {
	t.Helper()
	goImage, err := exec.Command(filepath.Join(root, "scripts", "go-builder-image")).Output()
	if err != nil {
		t.Fatalf("scripts/go-builder-image: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "podman-compose", "-f", "docker-compose.yml", "-f", standins, "build")
	cmd.Dir = root
	// Docker's image format, as scripts/build-images builds: it keeps the
	// images' HEALTHCHECK (OCI has none), and so the layers it cached.
	cmd.Env = append(slices.Clone(p.env), "GO_IMAGE="+strings.TrimSpace(string(goImage)), "BUILDAH_FORMAT=docker")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("podman-compose build: %v\n%s", err, lastLines(string(out), 30))
	}
	report(t, "compose build (podman-compose build, layers cached by scripts/build-images): %d ms", time.Since(start).Milliseconds())
}

// reexecInNetns runs this test again in a new network namespace with its
// loopback up, passing its output on.
func reexecInNetns(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"unshare", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to give the compose test a network namespace of its own: %v", tool, err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "--net", "--", "sh", "-c", `ip link set lo up && exec "$0" "$@"`,
		self, "-test.run=^TestComposeWithStandIns$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), envNetns+"=1")
	out, err := cmd.CombinedOutput()
	t.Logf("in a network namespace of its own:\n%s", out)
	if err != nil {
		t.Fatalf("the compose test failed in its network namespace: %v", err)
	}
}

func readCompose(t *testing.T, root string) composeSpec {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var spec composeSpec
	if err := yaml.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

// checkStages: every service the compose file has is in a stage, after
// each service it depends on, and every condition it names is one the
// stages honour.
func checkStages(t *testing.T, spec composeSpec) {
	t.Helper()
	stageOf := map[string]int{}
	for i, st := range stages {
		for _, s := range st {
			stageOf[s] = i
		}
	}
	for name, svc := range spec.Services {
		i, ok := stageOf[name]
		if !ok {
			t.Fatalf("service %s is in no stage of this test", name)
		}
		for dep, d := range svc.DependsOn {
			if stageOf[dep] >= i {
				t.Errorf("%s depends on %s, which this test starts no earlier", name, dep)
			}
			if want := map[bool]string{true: "service_completed_successfully", false: "service_healthy"}[dep == "migrate"]; d.Condition != want {
				t.Errorf("%s waits for %s with condition %q; this test waits for %s", name, dep, d.Condition, want)
			}
		}
	}
}

// waitHealthy runs the compose file's health check for the container as
// Docker would (CMD: the command itself; CMD-SHELL: through /bin/sh) until
// it exits 0.
func waitHealthy(t *testing.T, p podman, name string, test []string, timeout time.Duration) {
	t.Helper()
	if len(test) < 2 {
		t.Fatalf("%s has no health check", name)
	}
	args := []string{"exec", name}
	switch test[0] {
	case "CMD":
		args = append(args, test[1:]...)
	case "CMD-SHELL":
		args = append(args, "/bin/sh", "-c", test[1])
	default:
		t.Fatalf("%s: health check %q", name, test)
	}
	deadline := time.Now().Add(timeout)
	for {
		code, out := p.exitCode(t, args...)
		if code == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: health check %q still exits %d after %s: %s\n%s", name, test, code, timeout,
				strings.TrimSpace(out), lastLines(p.logs(name), 20))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitExited waits for a one-shot container to exit 0.
func waitExited(t *testing.T, p podman, name string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		state := p.must(t, "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name)
		if strings.HasPrefix(state, "exited") || strings.HasPrefix(state, "stopped") {
			if state != "exited 0" && !strings.HasSuffix(state, " 0") {
				t.Fatalf("%s ended %q\n%s", name, state, lastLines(p.logs(name), 20))
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still %q after %s", name, state, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// flowThroughCompose: signup → login → download, and upload → the object
// at its public URL, all through the ports compose publishes.
func flowThroughCompose(t *testing.T, bucket string) {
	t.Helper()
	ac, err := authclient.NewClientWithResponses("http://localhost:8001", authclient.WithHTTPClient(httpClient))
	if err != nil {
		t.Fatal(err)
	}
	email, password := "ct-"+randomHex(6)+"@example.com", "pw-"+randomHex(12)
	su, err := ac.SignupWithResponse(t.Context(), authclient.SignupRequest{
		Name: "Zoë", Surname: "Ñúñez", Email: email, DateOfBirth: "1985-07-14", Password: password})
	if err != nil || su.JSON201 == nil {
		t.Fatalf("signup: %v %s", err, body(su))
	}
	li, err := ac.LoginWithResponse(t.Context(), authclient.LoginRequest{Email: email, Password: password})
	if err != nil || li.JSON200 == nil {
		t.Fatalf("login: %v %s", err, body(li))
	}
	token := li.JSON200.AccessToken
	pc, err := pdfclient.NewClientWithResponses("http://localhost:8002", pdfclient.WithHTTPClient(httpClient),
		pdfclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	dl, err := pc.DownloadPdfWithResponse(t.Context(), nil)
	if err != nil || dl.StatusCode() != http.StatusOK || !bytes.HasPrefix(dl.Body, []byte("%PDF-")) {
		t.Fatalf("download: %v %s", err, body(dl))
	}
	up := uploadJob(t, pc)
	waitJob(t, pc, up.JobId, 60*time.Second, pdfclient.Done)
	want := "http://localhost:4566/" + bucket + "/profile_" + su.JSON201.Id.String() + ".pdf"
	if up.Url != want {
		t.Errorf("upload answered url %s, want %s", up.Url, want)
	}
	resp, err := httpClient.Get(up.Url)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(stored, []byte("%PDF-")) {
		t.Errorf("GET %s: %s, %d bytes", up.Url, resp.Status, len(stored))
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
