// Package apidocs serves a service's OpenAPI document at /openapi.json and
// Swagger UI at /docs. The UI's assets are embedded in the binary (swgui's):
// the page works offline and loads nothing from a CDN.
package apidocs

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// Mount adds GET /openapi.json and GET /docs to r. spec is the service's
// OpenAPI document in JSON, as tools/specbundle writes it; it is prepared
// once here, not per request. It must stand alone: Swagger UI fetches only
// /openapi.json, so a $ref into another file (api/common.yaml) would break
// the page. The bundler internalizes those refs (as common_Problem and so
// on); Mount refuses a document that still has one.
func Mount(r chi.Router, spec []byte, title string) error {
	doc, err := served(spec)
	if err != nil {
		return err
	}
	if ref := externalRef(doc); ref != "" {
		return fmt.Errorf("apidocs: the document refers to %s; internalize its external refs first", ref)
	}
	r.Get("/openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(doc)
	})
	docs := ui(title, "/openapi.json", "/docs/")
	r.Get("/docs", guard(http.RedirectHandler("/docs/", http.StatusMovedPermanently)).ServeHTTP)
	r.Handle("/docs/*", guard(docs))
	return nil
}

// served returns spec compacted, with a relative server so that "Try it
// out" calls the host the page came from, wherever the service runs. The
// caller's bytes are left alone.
func served(spec []byte) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(spec, &fields); err != nil {
		return nil, fmt.Errorf("apidocs: decode spec: %w", err)
	}
	if fields == nil {
		return nil, fmt.Errorf("apidocs: the spec is null, not a document")
	}
	fields["servers"] = json.RawMessage(`[{"url":"/"}]`)
	// Marshal compacts each raw value, which externalRef relies on.
	doc, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("apidocs: encode spec: %w", err)
	}
	return doc, nil
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
