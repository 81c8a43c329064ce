// The test kits are a module of their own so that the runtime modules'
// go.mod files hold only what their code links. This test keeps it so.
package testkit_test

import (
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The modules whose code ships: in the images (auth, pdf, shared, sql) or
// to users (cli).
var runtimeModules = []string{"auth", "pdf", "shared", "sql", "cli"}

func TestRuntimeModulesRequireOnlyWhatTheyLink(t *testing.T) {
	for _, dir := range runtimeModules {
		t.Run(dir, func(t *testing.T) {
			modDir := filepath.Join("..", dir)
			linked := modulesOf(t, modDir)
			tested := modulesOf(t, modDir, "-test")
			for _, req := range requirements(t, modDir) {
				switch {
				case req == "prana/testkit":
					t.Errorf("%s/go.mod requires prana/testkit: the workspace (go.work) resolves it for tests", dir)
				case slices.Contains(tested, req) && !slices.Contains(linked, req):
					t.Errorf("%s/go.mod requires %s, which only its tests import: "+
						"a test-only dependency belongs in testkit/go.mod", dir, req)
				}
			}
		})
	}
}

// The runtime kits must not have crept back: no runtime module's non-test
// package imports a test kit.
func TestNoRuntimePackageImportsAKit(t *testing.T) {
	for _, dir := range runtimeModules {
		if slices.Contains(modulesOf(t, filepath.Join("..", dir)), "prana/testkit") {
			t.Errorf("a non-test package of %s imports prana/testkit", dir)
		}
	}
}

// requirements lists the modules a go.mod requires, direct or indirect.
func requirements(t *testing.T, modDir string) []string {
	t.Helper()
	out := run(t, modDir, "go", "mod", "edit", "-json")
	var mod struct{ Require []struct{ Path string } }
	if err := json.Unmarshal(out, &mod); err != nil {
		t.Fatalf("go mod edit -json in %s: %v", modDir, err)
	}
	paths := make([]string, 0, len(mod.Require))
	for _, r := range mod.Require {
		paths = append(paths, r.Path)
	}
	return paths
}

// modulesOf lists the modules that provide a package to the module's
// packages, directly or transitively: to its non-test packages, or with
// "-test" to its tests as well. (A module that neither needs, such as one
// imported only under a build tag, is not this test's business.)
func modulesOf(t *testing.T, modDir string, flags ...string) []string {
	t.Helper()
	args := append([]string{"list", "-deps"}, flags...)
	args = append(args, "-f", "{{with .Module}}{{.Path}}{{end}}", "./...")
	return strings.Fields(string(run(t, modDir, "go", args...)))
}

func run(t *testing.T, dir string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, stderr)
	}
	return out
}
