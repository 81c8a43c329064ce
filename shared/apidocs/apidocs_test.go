package apidocs_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"

	"prana/shared/apidocs"
)

func spec() *openapi3.T {
	return &openapi3.T{
		OpenAPI: "3.0.3",
		Info:    &openapi3.Info{Title: "Prana test", Version: "1.2.3"},
		Servers: openapi3.Servers{{URL: "http://localhost:8080"}, {URL: "https://api.example.com"}},
		Paths: openapi3.NewPaths(openapi3.WithPath("/api/things", &openapi3.PathItem{
			Get: &openapi3.Operation{OperationID: "listThings", Responses: openapi3.NewResponses()},
		})),
	}
}

func mount(t *testing.T, s *openapi3.T) chi.Router {
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
	// The caller's spec is left alone (it also drives request validation
	// and the bearer middleware).
	if len(s.Servers) != 2 || s.Servers[0].URL != "http://localhost:8080" || s.Servers[1].URL != "https://api.example.com" {
		t.Errorf("Mount changed the spec's servers to %+v", s.Servers)
	}
	// Encoded once: later changes to the spec are not served.
	s.Info.Title = "changed"
	if body := get(r, "/openapi.json").Body.String(); strings.Contains(body, "changed") {
		t.Error("the document is re-encoded per request")
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
