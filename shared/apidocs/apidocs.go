// Package apidocs serves a service's OpenAPI document at /openapi.json and
// Swagger UI at /docs. The UI's assets are embedded in the binary (swgui):
// the page works offline and loads nothing from a CDN.
package apidocs

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"
	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"
)

// Mount adds GET /openapi.json and GET /docs to r. The document is encoded
// once here, not per request.
func Mount(r chi.Router, spec *openapi3.T, title string) error {
	// Serve the spec with a relative server so that "Try it out" calls the
	// host the page came from, wherever the service runs.
	served := *spec
	served.Servers = openapi3.Servers{{URL: "/"}}
	doc, err := json.Marshal(&served)
	if err != nil {
		return fmt.Errorf("apidocs: encode spec: %w", err)
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
	})(title, "/openapi.json", "/docs/")
	r.Get("/docs", http.RedirectHandler("/docs/", http.StatusMovedPermanently).ServeHTTP)
	r.Handle("/docs/*", ui)
	return nil
}
