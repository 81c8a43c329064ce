package e2e

import (
	"os/exec"
	"strings"
	"testing"

	devstack "prana/devstack/stack"
)

// TestServiceBinariesLinkNoDevCode keeps test and dev-only code (the
// emulator, the browser driver, the throwaway-database helpers, this
// module) out of what runs in production, and the OpenAPI loader too: its
// JSON-schema library builds schemas at start-up, costing memory and start
// time (issue 5); the services embed the bundled spec as plain JSON.
func TestServiceBinariesLinkNoDevCode(t *testing.T) {
	t.Parallel()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "./auth/cmd/auth", "./pdf/cmd/pdf", "./pdf/cmd/pdf-worker")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	banned := []string{"github.com/sivchari/kumo", "github.com/chromedp/", "prana/testkit/pgtest", "prana/testkit/pgcluster", "prana/testkit/specvalidate", "prana/testkit/pdftest", "prana/testkit/logtest", "prana/testkit/servetest",
		"prana/testkit/awstest", "prana/devstack", "testing",
		"github.com/getkin/kin-openapi", "github.com/santhosh-tekuri/jsonschema"}
	for _, pkg := range strings.Fields(string(out)) {
		for _, b := range banned {
			if pkg == b || strings.HasPrefix(pkg, b+"/") || (strings.HasSuffix(b, "/") && strings.HasPrefix(pkg, b)) {
				t.Errorf("a service binary links %s", pkg)
			}
		}
	}
}
