package httpmw_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"prana/shared/httpmw"
)

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	h := httpmw.SecurityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cacheable" {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		_, _ = w.Write([]byte("{}"))
	}))
	for path, cache := range map[string]string{"/private": "no-store", "/cacheable": "public, max-age=300"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		got := rec.Header()
		if got.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q, want nosniff", path, got.Get("X-Content-Type-Options"))
		}
		if got.Get("Cache-Control") != cache {
			t.Errorf("%s: Cache-Control %q, want %q", path, got.Get("Cache-Control"), cache)
		}
		if got.Get("Server") != "" {
			t.Errorf("%s: Server banner %q", path, got.Get("Server"))
		}
	}
}
