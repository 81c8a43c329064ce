// Package apidocs serves a service's OpenAPI document at /openapi.json and
// Swagger UI at /docs. The UI's assets are embedded in the binary (swgui):
// the page works offline and loads nothing from a CDN.
package apidocs

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"
	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"
)

// Mount adds GET /openapi.json and GET /docs to r. The document is encoded
// once here, not per request. It must stand alone: Swagger UI fetches only
// /openapi.json, so a $ref into another file (api/common.yaml) would break
// the page. The specs oapi-codegen embeds have those refs internalized
// already (as common_Problem and so on); Mount refuses any that has not.
func Mount(r chi.Router, spec *openapi3.T, title string) error {
	// Serve the spec with a relative server so that "Try it out" calls the
	// host the page came from, wherever the service runs.
	served := *spec
	served.Servers = openapi3.Servers{{URL: "/"}}
	doc, err := json.Marshal(&served)
	if err != nil {
		return fmt.Errorf("apidocs: encode spec: %w", err)
	}
	if ref := externalRef(doc); ref != "" {
		return fmt.Errorf("apidocs: the document refers to %s; internalize its external refs first", ref)
	}
	r.Get("/openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(doc)
	})
	ui := v5emb.NewWithConfig(swgui.Config{
		Title:       title,
		SwaggerJSON: "/openapi.json",
		BasePath:    "/docs/",
		// Show each operation's id: it names the generated clients'
		// methods (Signup, DownloadPdf…), so SDK users can find them.
		SettingsUI: map[string]string{"displayOperationId": "true"},
	})(title, "/openapi.json", "/docs/")
	r.Get("/docs", http.RedirectHandler("/docs/", http.StatusMovedPermanently).ServeHTTP)
	r.Handle("/docs/*", ui)
	return nil
}

// externalRef returns a $ref of the encoded document doc that does not
// point into the document itself, or "" when there is none.
func externalRef(doc []byte) string {
	const key = `"$ref":"`
	for s := string(doc); ; {
		i := strings.Index(s, key)
		if i < 0 {
			return ""
		}
		s = s[i+len(key):]
		if !strings.HasPrefix(s, "#") {
			ref, _, _ := strings.Cut(s, `"`)
			return ref
		}
	}
}
