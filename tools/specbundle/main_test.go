package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The services embed these files; `make verify` regenerates them too, but
// this names the spec that drifted.
var bundles = map[string]string{
	"../../api/auth.yaml": "../../auth/internal/adapters/httpapi/openapi.json",
	"../../api/pdf.yaml":  "../../pdf/internal/adapters/httpapi/openapi.json",
}

func TestCommittedBundlesAreCurrent(t *testing.T) {
	t.Parallel()
	for spec, committed := range bundles {
		want, err := bundle(t.Context(), spec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(committed)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not the bundle of %s; run make generate", committed, spec)
		}
	}
}

func TestBundleIsDeterministic(t *testing.T) {
	t.Parallel()
	first, err := bundle(t.Context(), "../../api/auth.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, err := bundle(t.Context(), "../../api/auth.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatal("two bundles of the same spec differ")
		}
	}
}

// TestBundleStandsAlone loads each bundle with a loader that may not read
// other files, as Swagger UI gets it from /openapi.json.
func TestBundleStandsAlone(t *testing.T) {
	t.Parallel()
	for spec := range bundles {
		doc, err := bundle(t.Context(), spec)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(doc), "common.yaml") {
			t.Errorf("%s: the bundle still names common.yaml", spec)
		}
		loaded, err := openapi3.NewLoader().LoadFromData(doc)
		if err != nil {
			t.Fatalf("%s: the bundle does not load on its own: %v", spec, err)
		}
		if err := loaded.Validate(t.Context()); err != nil {
			t.Errorf("%s: the bundle is invalid: %v", spec, err)
		}
		if len(loaded.Servers) != 1 || loaded.Servers[0].URL != "/" {
			t.Errorf("%s: servers = %v, want only /", spec, loaded.Servers)
		}
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = true
		source, err := loader.LoadFromFile(spec)
		if err != nil {
			t.Fatal(err)
		}
		for path, item := range source.Paths.Map() {
			for method, op := range item.Operations() {
				got := loaded.Paths.Find(path)
				if got == nil || got.GetOperation(method) == nil || got.GetOperation(method).OperationID != op.OperationID {
					t.Errorf("%s: %s %s (%s) is missing from the bundle", spec, method, path, op.OperationID)
				}
			}
		}
	}
}

func TestBundleRefusesBadSpec(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := dir + "/bad.yaml"
	if err := os.WriteFile(bad, []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: {'200': {$ref: 'missing.yaml#/r'}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{bad, dir + "/absent.yaml"} {
		if _, err := bundle(t.Context(), path); err == nil {
			t.Errorf("bundle(%s) = nil error, want one", path)
		}
	}
}
