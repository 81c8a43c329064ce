package apidocs_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"prana/shared/apidocs"
)

// spec is a document as tools/specbundle writes it, but with the servers
// of the YAML source.
func spec() []byte {
	return []byte(`{
  "info": {"title": "Prana test", "version": "1.2.3"},
  "openapi": "3.0.3",
  "paths": {"/api/things": {"get": {"operationId": "listThings", "responses": {}}}},
  "servers": [{"url": "http://localhost:8080"}, {"url": "https://api.example.com"}]
}
`)
}

func mount(t *testing.T, s []byte) chi.Router {
	t.Helper()
	r := chi.NewRouter()
	if err := apidocs.Mount(r, s, "Prana test"); err != nil {
		t.Fatalf("Mount: %v", err)
	}
	return r
}

func get(r http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestOpenAPIJSON(t *testing.T) {
	t.Parallel()
	s := spec()
	r := mount(t, s)

	rec := get(r, "/openapi.json")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Title string `json:"title"`
		} `json:"info"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/" {
		t.Errorf("servers = %+v, want only /", doc.Servers)
	}
	if doc.OpenAPI != "3.0.3" || doc.Info.Title != "Prana test" || doc.Paths["/api/things"] == nil {
		t.Errorf("served document lost content: %s", rec.Body)
	}
	// The caller's bytes are left alone.
	if !bytes.Equal(s, spec()) {
		t.Errorf("Mount changed the caller's document to %s", s)
	}
	// Prepared once: later changes to the caller's bytes are not served.
	copy(s[bytes.Index(s, []byte("Prana test")):], "changed!!!")
	if body := get(r, "/openapi.json").Body.String(); strings.Contains(body, "changed") {
		t.Error("the document is re-encoded per request")
	}
}

func TestNotADocument(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{"", "null", "[]", "{", `"openapi"`} {
		if err := apidocs.Mount(chi.NewRouter(), []byte(doc), "t"); err == nil {
			t.Errorf("Mount(%q) = nil error, want one", doc)
		}
	}
}

func TestDocs(t *testing.T) {
	t.Parallel()
	r := mount(t, spec())

	rec := get(r, "/docs")
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/docs/" {
		t.Errorf("/docs: %d Location %q; want 301 to /docs/", rec.Code, rec.Header().Get("Location"))
	}

	rec = get(r, "/docs/")
	if rec.Code != http.StatusOK {
		t.Fatalf("/docs/: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("/docs/ Content-Type = %q, want text/html", ct)
	}
	page := rec.Body.String()
	if !strings.Contains(page, "/openapi.json") {
		t.Error("/docs/ does not load /openapi.json")
	}
	// Assets must be embedded: any src/href to an absolute http(s) URL would
	// load from a CDN and break offline.
	asset := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`)
	if m := asset.FindAllString(page, -1); len(m) > 0 {
		t.Errorf("/docs/ loads assets from another host: %q", m)
	}
	if m := regexp.MustCompile(`https?://[^\s"'<>]+\.(js|css)`).FindAllString(page, -1); len(m) > 0 {
		t.Errorf("/docs/ references remote scripts or styles: %q", m)
	}

	// The assets it does reference are served locally.
	assets := regexp.MustCompile(`(?:src|href)="([^"]+\.(?:js|css))"`).FindAllStringSubmatch(page, -1)
	if len(assets) == 0 {
		t.Error("/docs/ references no scripts or styles")
	}
	for _, m := range assets {
		path := m[1]
		if !strings.HasPrefix(path, "/") {
			path = "/docs/" + strings.TrimPrefix(path, "./")
		}
		if rec := get(r, path); rec.Code != http.StatusOK {
			t.Errorf("asset %s: status %d", path, rec.Code)
		}
	}
}

// The docs page cannot be framed by another page (clickjacking), and a
// missing file under /docs/ is a problem document like every other 404.
func TestDocsGuarded(t *testing.T) {
	t.Parallel()
	r := mount(t, spec())
	for _, path := range []string{"/docs", "/docs/", "/docs/no-such-asset.js"} {
		rec := get(r, path)
		if csp := rec.Header().Get("Content-Security-Policy"); csp != "frame-ancestors 'none'" {
			t.Errorf("%s: Content-Security-Policy = %q, want frame-ancestors 'none'", path, csp)
		}
	}
	rec := get(r, "/docs/no-such-asset.js")
	if rec.Code != http.StatusNotFound {
		t.Fatalf("missing asset: status %d, want 404", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("missing asset: Content-Type = %q, want application/problem+json", ct)
	}
	var p struct {
		Status int    `json:"status"`
		Code   string `json:"code"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != http.StatusNotFound || p.Code != "not_found" {
		t.Errorf("missing asset: body %q (%v), want a not_found problem", rec.Body, err)
	}
}
