package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// composeFile is the part of docker-compose.yml the checks read.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
}

type composeService struct {
	Build       buildSpec   `yaml:"build"`
	Ports       []string    `yaml:"ports"`
	Environment environment `yaml:"environment"`
	DependsOn   dependsOn   `yaml:"depends_on"`
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

// buildSpec accepts both forms of build: a context path, or a map.
type buildSpec struct{ Target string }

func (b *buildSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return nil // just a context: no target
	}
	var m struct{ Target string }
	err := n.Decode(&m)
	b.Target = m.Target
	return err
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
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// configVars are the environment variables the services' config structs
// read: every `env:"NAME"` tag in auth/internal/config and pdf/internal/config.
func configVars(t *testing.T) map[string]bool {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	tag := regexp.MustCompile(`env:"([A-Z0-9_]+)`)
	vars := map[string]bool{}
	for _, dir := range []string{"auth/internal/config", "pdf/internal/config"} {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.go")) // constant pattern: no error possible
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range tag.FindAllStringSubmatch(string(b), -1) {
				vars[m[1]] = true
			}
		}
	}
	if len(vars) < 10 {
		t.Fatalf("found only %d env tags in the config packages: has the config moved?", len(vars))
	}
	return vars
}

// TestComposeFile checks docker-compose.yml against the services, the
// Dockerfile and the config code, without Docker.
func TestComposeFile(t *testing.T) {
	t.Parallel()
	var c composeFile
	if err := yaml.Unmarshal(readRepoFile(t, "docker-compose.yml"), &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for _, name := range []string{"postgres", "localstack", "auth", "pdf", "worker"} {
		if _, ok := c.Services[name]; !ok {
			t.Fatalf("docker-compose.yml has no service %q", name)
		}
	}
	for name, port := range map[string]string{"auth": "8001", "pdf": "8002", "localstack": "4566"} {
		if !slices.ContainsFunc(c.Services[name].Ports, func(p string) bool { return publishes(p, port) }) {
			t.Errorf("%s publishes %q, want %s:%s", name, c.Services[name].Ports, port, port)
		}
	}
	if cond := c.Services["auth"].DependsOn["postgres"]; cond != "service_healthy" {
		t.Errorf("auth depends on postgres with condition %q, want service_healthy", cond)
	}
	for _, name := range []string{"pdf", "worker"} {
		for _, dep := range []string{"auth", "localstack"} {
			if _, ok := c.Services[name].DependsOn[dep]; !ok {
				t.Errorf("%s does not depend on %s", name, dep)
			}
		}
		for _, v := range []string{"AWS_ENDPOINT_URL", "SQS_QUEUE_NAME", "S3_BUCKET_NAME", "AUTH_JWKS_URL"} {
			if _, ok := c.Services[name].Environment[v]; !ok {
				t.Errorf("%s environment lacks %s", name, v)
			}
		}
	}
	for _, v := range []string{"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "POSTGRES_HOST", "POSTGRES_PORT"} {
		if _, ok := c.Services["auth"].Environment[v]; !ok {
			t.Errorf("auth environment lacks the seed's %s", v)
		}
	}

	// Every build target is a stage of the Dockerfile.
	stage := regexp.MustCompile(`(?im)^FROM\s+(?:--\S+\s+)*\S+\s+AS\s+(\S+)\s*$`)
	stages := map[string]bool{}
	for _, m := range stage.FindAllStringSubmatch(string(readRepoFile(t, "Dockerfile")), -1) {
		stages[m[1]] = true
	}
	for name, svc := range c.Services {
		if svc.Build.Target != "" && !stages[svc.Build.Target] {
			t.Errorf("%s builds target %q, which is no `FROM … AS` stage of the Dockerfile (stages: %v)",
				name, svc.Build.Target, stages)
		}
	}

	// The services get only settings their config reads: a typo would be
	// silently ignored.
	vars := configVars(t)
	for _, name := range []string{"auth", "pdf", "worker"} {
		for v := range c.Services[name].Environment {
			if !vars[v] {
				t.Errorf("%s environment sets %s, which no config struct reads", name, v)
			}
		}
	}
}

// TestEnvExampleHasNoDeadSettings checks that each variable .env.example
// documents, commented out or not, is one some config struct reads.
func TestEnvExampleHasNoDeadSettings(t *testing.T) {
	t.Parallel()
	vars := configVars(t)
	line := regexp.MustCompile(`^#?\s*([A-Z][A-Z0-9_]*)=`)
	n := 0
	for l := range strings.Lines(string(readRepoFile(t, ".env.example"))) {
		m := line.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		n++
		if !vars[m[1]] {
			t.Errorf(".env.example documents %s, which no config struct reads", m[1])
		}
	}
	if n == 0 {
		t.Fatal(".env.example documents no variables")
	}
}
