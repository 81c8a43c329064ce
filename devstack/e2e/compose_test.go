package e2e

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	devstack "prana/devstack/stack"
)

// composeFile is the part of docker-compose.yml the checks read.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string      `yaml:"image"`
	Build       buildSpec   `yaml:"build"`
	Command     stringList  `yaml:"command"`
	Ports       []string    `yaml:"ports"`
	Volumes     []string    `yaml:"volumes"`
	Environment environment `yaml:"environment"`
	EnvFile     any         `yaml:"env_file"`
	DependsOn   dependsOn   `yaml:"depends_on"`
	Healthcheck struct {
		Test stringList `yaml:"test"`
	} `yaml:"healthcheck"`
}

// environment accepts both compose forms: a map and a list of KEY=VALUE.
type environment map[string]string

func (e *environment) UnmarshalYAML(n *yaml.Node) error {
	*e = environment{}
	if n.Kind == yaml.SequenceNode {
		var list []string
		if err := n.Decode(&list); err != nil {
			return err
		}
		for _, kv := range list {
			k, v, _ := strings.Cut(kv, "=")
			(*e)[k] = v
		}
		return nil
	}
	var m map[string]any
	if err := n.Decode(&m); err != nil {
		return err
	}
	for k, v := range m {
		if v != nil {
			(*e)[k] = fmt.Sprint(v)
		} else {
			(*e)[k] = ""
		}
	}
	return nil
}

// stringList accepts a list or a single string (split on spaces, as compose
// does for command).
type stringList []string

func (s *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = strings.Fields(n.Value)
		return nil
	}
	var l []string
	err := n.Decode(&l)
	*s = l
	return err
}

// buildSpec accepts both forms of build: a context path, or a map.
type buildSpec struct{ Context, Dockerfile, Target string }

func (b *buildSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		b.Context = n.Value
		return nil
	}
	var m struct{ Context, Dockerfile, Target string }
	err := n.Decode(&m)
	*b = buildSpec(m)
	return err
}

// dockerfilePath is the Dockerfile relative to the repository root.
func (b buildSpec) dockerfilePath() string {
	if b.Dockerfile == "" {
		return filepath.Join(b.Context, "Dockerfile")
	}
	return filepath.Join(b.Context, b.Dockerfile)
}

// publishes reports whether a compose port entry maps host port to the same
// container port: "8001:8001", "127.0.0.1:8001:8001", "8001:8001/tcp".
func publishes(entry, port string) bool {
	entry, _, _ = strings.Cut(entry, "/")
	parts := strings.Split(entry, ":")
	return len(parts) >= 2 && parts[len(parts)-1] == port && parts[len(parts)-2] == port
}

// dependsOn maps a dependency to its condition ("" in the short list form,
// which means service_started).
type dependsOn map[string]string

func (d *dependsOn) UnmarshalYAML(n *yaml.Node) error {
	*d = dependsOn{}
	if n.Kind == yaml.SequenceNode {
		var list []string
		if err := n.Decode(&list); err != nil {
			return err
		}
		for _, s := range list {
			(*d)[s] = ""
		}
		return nil
	}
	var m map[string]struct{ Condition string }
	if err := n.Decode(&m); err != nil {
		return err
	}
	for k, v := range m {
		(*d)[k] = v.Condition
	}
	return nil
}

func readRepoFile(t *testing.T, rel string) []byte {
	t.Helper()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// binary is what a service of ours runs: which image, which config.
type binary struct {
	dockerfile, target string
	main               string // the command's main.go, where its subcommands are
	config             string // the package whose Config it reads
	addrVar, port      string // its listen address setting and port; "" for none
	// unused are variables whose default would be wrong in a container but
	// which this binary never uses.
	unused []string
}

// binaries are our services in docker-compose.yml.
var binaries = map[string]binary{
	"migrate": {"auth/Dockerfile", "auth", "auth/cmd/auth/main.go", "auth/internal/config", "", "", nil},
	"auth":    {"auth/Dockerfile", "auth", "auth/cmd/auth/main.go", "auth/internal/config", "AUTH_ADDR", "8001", nil},
	"pdf":     {"pdf/Dockerfile", "pdf", "pdf/cmd/pdf/main.go", "pdf/internal/config", "PDF_ADDR", "8002", nil},
	// The worker verifies no tokens.
	"worker": {"pdf/worker.Dockerfile", "worker", "pdf/cmd/pdf-worker/main.go", "pdf/internal/config", "", "", []string{"AUTH_JWKS_URL"}},
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	if err := yaml.Unmarshal(readRepoFile(t, "docker-compose.yml"), &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for _, name := range []string{"postgres", "localstack", "migrate", "auth", "pdf", "worker"} {
		if _, ok := c.Services[name]; !ok {
			t.Fatalf("docker-compose.yml has no service %q", name)
		}
	}
	return c
}

// TestComposeInfrastructure checks the third-party services and how ours
// wait for each other.
func TestComposeInfrastructure(t *testing.T) {
	t.Parallel()
	c := loadCompose(t)
	if img := c.Services["postgres"].Image; img != "postgres:16" {
		t.Errorf("postgres image %q, want postgres:16", img)
	}
	ls := c.Services["localstack"]
	if !strings.HasPrefix(ls.Image, "localstack/localstack:") {
		t.Errorf("localstack image %q", ls.Image)
	}
	if s := strings.Split(ls.Environment["SERVICES"], ","); !slices.Contains(s, "s3") || !slices.Contains(s, "sqs") {
		t.Errorf("localstack SERVICES=%q, want s3 and sqs", ls.Environment["SERVICES"])
	}
	for name, port := range map[string]string{"auth": "8001", "pdf": "8002", "localstack": "4566"} {
		if !slices.ContainsFunc(c.Services[name].Ports, func(p string) bool { return publishes(p, port) }) {
			t.Errorf("%s publishes %q, want %s:%s as in the seed", name, c.Services[name].Ports, port, port)
		}
	}
	want := map[string]map[string]string{
		"migrate": {"postgres": "service_healthy"},
		"auth":    {"postgres": "service_healthy", "migrate": "service_completed_successfully"},
		"pdf":     {"auth": "service_healthy", "localstack": "service_healthy"},
		"worker":  {"localstack": "service_healthy"},
	}
	for name, deps := range want {
		for dep, cond := range deps {
			if got := c.Services[name].DependsOn[dep]; got != cond {
				t.Errorf("%s depends on %s with condition %q, want %s", name, dep, got, cond)
			}
		}
	}
	for name, svc := range c.Services {
		if svc.Image != "" && registryHost(svc.Image) {
			t.Errorf("%s: image %q names a registry host", name, svc.Image)
		}
		if svc.EnvFile != nil {
			t.Errorf("%s: env_file fails when the file is missing; compose reads .env for ${…} by itself", name)
		}
		for dep, cond := range svc.DependsOn {
			if cond == "service_healthy" && len(c.Services[dep].Healthcheck.Test) == 0 {
				t.Errorf("%s waits for %s to be healthy, which has no healthcheck", name, dep)
			}
		}
		for _, v := range svc.Volumes {
			checkVolume(t, c, name, v)
		}
	}
}

// registryHost reports whether an image reference starts with a registry
// host (a first component with a dot or a port, or localhost).
func registryHost(image string) bool {
	first, _, found := strings.Cut(image, "/")
	return found && (strings.ContainsAny(first, ".:") || first == "localhost")
}

// checkVolume checks one short-syntax volume: a named volume must be
// declared, a bind mount's source must exist in the repository.
func checkVolume(t *testing.T, c composeFile, service, v string) {
	t.Helper()
	src, _, _ := strings.Cut(v, ":")
	if strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") {
		root, err := devstack.RepoRoot()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(root, src)); err != nil {
			t.Errorf("%s mounts %s, which is not in the repository", service, src)
		}
		return
	}
	if _, ok := c.Volumes[src]; !ok {
		t.Errorf("%s mounts volume %q, which the top-level volumes do not declare", service, src)
	}
}

// TestComposeServicesMatchTheirImages checks each of our services against
// its Dockerfile and its command's code.
func TestComposeServicesMatchTheirImages(t *testing.T) {
	t.Parallel()
	c := loadCompose(t)
	checked := map[string]bool{} // auth and migrate share an image
	for name, bin := range binaries {
		svc := c.Services[name]
		if got := svc.Build.dockerfilePath(); got != bin.dockerfile || svc.Build.Target != bin.target {
			t.Errorf("%s builds %s target %q, want %s target %q", name, got, svc.Build.Target, bin.dockerfile, bin.target)
			continue
		}
		stages := parseDockerfile(string(readRepoFile(t, bin.dockerfile)))
		i := slices.IndexFunc(stages, func(s dockerStage) bool { return s.Name == bin.target })
		if i < 0 {
			t.Errorf("%s: %s has no stage %q", name, bin.dockerfile, bin.target)
			continue
		}
		final := stages[i]
		if !checked[bin.dockerfile] {
			checkImage(t, bin.dockerfile, final, stages)
			checked[bin.dockerfile] = true
		}
		mainGo := string(readRepoFile(t, bin.main))
		if cmd := "./cmd/" + filepath.Base(filepath.Dir(bin.main)); !strings.Contains(string(readRepoFile(t, bin.dockerfile)), cmd) {
			t.Errorf("%s: %s does not build %s", name, bin.dockerfile, cmd)
		}
		// Subcommands compose runs must be ones the binary has.
		if len(svc.Command) > 0 && !strings.Contains(mainGo, fmt.Sprintf("Name: %q", svc.Command[0])) {
			t.Errorf("%s runs command %q, which %s does not handle", name, svc.Command, bin.main)
		}
		if bin.port != "" || len(svc.Healthcheck.Test) > 0 {
			// No shell in scratch: the exec form, running the image's own probe.
			hc := svc.Healthcheck.Test
			if want := []string{"CMD", final.entrypoint(), "healthcheck"}; !slices.Equal(hc, want) {
				t.Errorf("%s healthcheck %q, want %q", name, hc, want)
			}
			if !strings.Contains(mainGo, "cmdmain.HealthCheck(") {
				t.Errorf("%s has no healthcheck subcommand", bin.main)
			}
		}
		checkDataDir(t, name, svc, final)
	}
}

// checkDataDir: a named volume mounted where the image keeps its data must
// start out owned by the image's user, or the service cannot write to it.
// Docker copies the image's directory, owner included, into a new volume.
func checkDataDir(t *testing.T, name string, svc composeService, final dockerStage) {
	t.Helper()
	for _, v := range svc.Volumes {
		_, target, _ := strings.Cut(v, ":")
		target, _, _ = strings.Cut(target, ":")
		user := final.instr("USER")
		owned := slices.ContainsFunc(final.instr("COPY"), func(args string) bool {
			f := strings.Fields(args)
			return len(user) > 0 && slices.Contains(f, "--chown="+user[len(user)-1]) && f[len(f)-1] == target
		})
		if !owned {
			t.Errorf("%s mounts a volume at %s, which its image does not create owned by its USER", name, target)
		}
		if dataDir := cmp(svc.Environment["DATA_DIR"], final.env("DATA_DIR")); name == "auth" && dataDir != target {
			t.Errorf("auth keeps its data in DATA_DIR=%q, but the volume is at %s", dataDir, target)
		}
	}
	if name == "auth" && len(svc.Volumes) == 0 {
		t.Error("auth has no volume: its generated signing key, and every token, would not survive a restart")
	}
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestComposeEnvironmentMatchesConfig: every variable compose gives a
// service is one its config reads (a typo would be silently ignored), every
// required one is given, and none points at localhost, which inside a
// container is the container itself.
func TestComposeEnvironmentMatchesConfig(t *testing.T) {
	t.Parallel()
	c := loadCompose(t)
	for name, bin := range binaries {
		svc := c.Services[name]
		vars := configVars(t, bin.config, "Config")
		for v, val := range svc.Environment {
			if _, ok := vars[v]; !ok {
				t.Errorf("%s environment sets %s, which %s does not read", name, v, bin.config)
			}
			checkAddress(t, c, name, v, val)
		}
		for v, spec := range vars {
			_, given := svc.Environment[v]
			if spec.Required && !given {
				t.Errorf("%s environment lacks %s, which %s requires", name, v, bin.config)
			}
			local := strings.Contains(spec.Default, "localhost") || strings.Contains(spec.Default, "127.0.0.1")
			if local && !given && !slices.Contains(bin.unused, v) {
				t.Errorf("%s environment lacks %s: its default %q means the container itself", name, v, spec.Default)
			}
		}
		if bin.addrVar != "" {
			addr := cmp(svc.Environment[bin.addrVar], vars[bin.addrVar].Default)
			if _, port, _ := net.SplitHostPort(addr); port != bin.port {
				t.Errorf("%s listens on %s=%q, but compose publishes %s", name, bin.addrVar, addr, bin.port)
			}
		}
	}
	// The seed's names, where the seed had them.
	for _, v := range []string{"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "POSTGRES_HOST", "POSTGRES_PORT"} {
		if _, ok := c.Services["auth"].Environment[v]; !ok {
			t.Errorf("auth environment lacks the seed's %s", v)
		}
		if v != "POSTGRES_HOST" && v != "POSTGRES_PORT" && c.Services["auth"].Environment[v] != c.Services["postgres"].Environment[v] {
			t.Errorf("auth's %s %q is not the database's %q", v, c.Services["auth"].Environment[v], c.Services["postgres"].Environment[v])
		}
	}
	for _, name := range []string{"pdf", "worker"} {
		for _, v := range []string{"AWS_ENDPOINT_URL", "SQS_QUEUE_NAME", "S3_BUCKET_NAME", "AWS_DEFAULT_REGION"} {
			if _, ok := c.Services[name].Environment[v]; !ok {
				t.Errorf("%s environment lacks the seed's %s", name, v)
			}
		}
	}
}

// checkAddress: a URL or host setting names another service of the file;
// only S3_PUBLIC_URL, handed to users on the host, names localhost and a
// published port.
func checkAddress(t *testing.T, c composeFile, service, v, val string) {
	t.Helper()
	host := ""
	if strings.HasSuffix(v, "_HOST") {
		host = val
	} else if u, err := url.Parse(val); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		host = u.Hostname()
	}
	if host == "" {
		return
	}
	if v == "S3_PUBLIC_URL" {
		u, _ := url.Parse(val)
		if host != "localhost" || !slices.ContainsFunc(c.Services["localstack"].Ports, func(p string) bool { return publishes(p, u.Port()) }) {
			t.Errorf("%s: S3_PUBLIC_URL=%q must reach LocalStack from the host", service, val)
		}
		return
	}
	if _, ok := c.Services[host]; !ok {
		t.Errorf("%s: %s=%q names host %q, which is no service of the compose file", service, v, val, host)
	}
}

// interpolated finds the ${NAME…} variables compose fills in from .env.
var interpolated = regexp.MustCompile(`(?:^|[^$])\$\{([A-Za-z_][A-Za-z0-9_]*)`)

// TestEnvExampleMatchesConfig checks that each variable .env.example
// documents, commented out or not, is one some binary reads, and that every
// variable the compose file takes from .env is documented there.
func TestEnvExampleMatchesConfig(t *testing.T) {
	t.Parallel()
	vars := allConfigVars(t)
	line := regexp.MustCompile(`^#?\s*([A-Z][A-Z0-9_]*)=`)
	documented := map[string]bool{}
	for l := range strings.Lines(string(readRepoFile(t, ".env.example"))) {
		m := line.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		documented[m[1]] = true
		if _, ok := vars[m[1]]; !ok {
			t.Errorf(".env.example documents %s, which no binary reads", m[1])
		}
	}
	if len(documented) == 0 {
		t.Fatal(".env.example documents no variables")
	}
	for _, m := range interpolated.FindAllStringSubmatch(string(readRepoFile(t, "docker-compose.yml")), -1) {
		if !documented[m[1]] {
			t.Errorf("docker-compose.yml takes ${%s} from .env, which .env.example does not document", m[1])
		}
	}
}
