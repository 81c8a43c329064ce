package apidocs_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"

	"prana/shared/apidocs"
)

// service is a spec shaped like the services' own: it refers to
// api/common.yaml and has a local component whose name common.yaml uses too.
const service = `
openapi: 3.0.3
info: {title: Prana bundled, version: 1.0.0}
paths:
  /api/things:
    get:
      operationId: getThing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Problem'}
        '401': {$ref: 'common.yaml#/components/responses/Unauthorized'}
        '503':
          description: down
          content:
            application/json:
              schema: {$ref: 'common.yaml#/components/schemas/Health'}
components:
  schemas:
    Problem:
      type: object
      required: [local]
      properties:
        local: {type: string}
`

// loadWithCommon loads service next to a copy of the real api/common.yaml,
// as tools/specbundle loads the services' specs.
func loadWithCommon(t *testing.T) *openapi3.T {
	t.Helper()
	dir := t.TempDir()
	common, err := os.ReadFile("../../api/common.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"common.yaml": common, "service.yaml": []byte(service)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	doc, err := loader.LoadFromFile(filepath.Join(dir, "service.yaml"))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return doc
}

// encode writes spec as tools/specbundle does, indented.
func encode(t *testing.T, spec *openapi3.T) []byte {
	t.Helper()
	doc, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestExternalRefsRefused(t *testing.T) {
	t.Parallel()
	err := apidocs.Mount(chi.NewRouter(), encode(t, loadWithCommon(t)), "Prana bundled")
	if err == nil || !strings.Contains(err.Error(), "common.yaml") {
		t.Fatalf("Mount = %v, want an error naming common.yaml", err)
	}
}

// TestServedDocumentStandsAlone mounts a spec the way the services do:
// tools/specbundle internalizes the external refs before they embed it.
func TestServedDocumentStandsAlone(t *testing.T) {
	t.Parallel()
	spec := loadWithCommon(t)
	spec.InternalizeRefs(t.Context(), nil)
	body := get(mount(t, encode(t, spec)), "/openapi.json").Body.Bytes()
	if strings.Contains(string(body), "common.yaml") {
		t.Fatalf("served document still refers to common.yaml:\n%s", body)
	}

	// A loader that may not fetch anything must accept it, as Swagger UI
	// will, and it must be a valid document.
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatalf("served document does not load on its own: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("served document is invalid: %v", err)
	}

	op := doc.Paths.Find("/api/things").Get
	unauthorized := op.Responses.Status(401).Value.Content.Get("application/problem+json").Schema.Value
	for _, field := range []string{"type", "title", "status", "detail", "request_id"} {
		if !contains(unauthorized.Required, field) {
			t.Errorf("401 problem lost required field %q: %v", field, unauthorized.Required)
		}
	}
	if items := unauthorized.Properties["errors"].Value.Items.Value; !contains(items.Required, "field") {
		t.Errorf("nested FieldError lost: %+v", items)
	}
	// The local Problem keeps its name and shape; the shared one is not
	// merged into it.
	local := doc.Components.Schemas["Problem"].Value
	if len(local.Required) != 1 || local.Required[0] != "local" {
		t.Errorf("local Problem was overwritten: %v", local.Required)
	}
	health := op.Responses.Status(503).Value.Content.Get("application/json").Schema.Value
	if health == nil || health.Properties["status"] == nil {
		t.Errorf("shared Health schema lost: %+v", health)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
