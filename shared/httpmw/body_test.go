package httpmw_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"prana/shared/httpmw"
)

func TestJSONBody(t *testing.T) {
	t.Parallel()
	const limit = 64
	small := `{"a":1}`
	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
		status      int // 0: the handler ran
		code        string
	}{
		{"json", http.MethodPost, "application/json", small, 0, ""},
		{"json with charset", http.MethodPost, "application/json; charset=utf-8", small, 0, ""},
		{"upper-case json", http.MethodPut, "Application/JSON", small, 0, ""},
		{"merge patch", http.MethodPatch, "application/merge-patch+json", small, 0, ""},
		{"problem json", http.MethodPost, "application/problem+json", small, 0, ""},
		{"text/plain", http.MethodPost, "text/plain", small, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"form", http.MethodPost, "application/x-www-form-urlencoded", "a=1", http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"multipart", http.MethodPost, "multipart/form-data; boundary=x", small, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"missing content type", http.MethodPost, "", small, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"garbled content type", http.MethodPost, "application/json;;;=", small, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"bare +json suffix", http.MethodPost, "+json", small, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"json lookalike", http.MethodPost, "application/jsonx", small, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"GET without body", http.MethodGet, "", "", 0, ""},
		{"DELETE without body", http.MethodDelete, "", "", 0, ""},
		{"GET with a text body", http.MethodGet, "text/plain", "hi", http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"at the limit", http.MethodPost, "application/json", `"` + strings.Repeat("a", limit-2) + `"`, 0, ""},
		{"declared over the limit", http.MethodPost, "application/json", strings.Repeat("a", limit+1), http.StatusRequestEntityTooLarge, "body_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tt.method, "/x", strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := httptest.NewRecorder()
			var got string
			ran := false
			httpmw.JSONBody(limit)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ran = true
				b, err := io.ReadAll(r.Body)
				if err != nil {
					t.Errorf("read body: %v", err)
				}
				got = string(b)
				w.WriteHeader(http.StatusNoContent)
			})).ServeHTTP(rec, req)

			if tt.status == 0 {
				if !ran || rec.Code != http.StatusNoContent {
					t.Fatalf("handler ran %v, status %d (%s); want it to run", ran, rec.Code, rec.Body)
				}
				if got != tt.body {
					t.Errorf("handler read %q, want %q", got, tt.body)
				}
				return
			}
			if ran {
				t.Fatal("handler ran, want it refused")
			}
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if p := problemOf(t, rec); p.Code != tt.code {
				t.Errorf("code = %q, want %q", p.Code, tt.code)
			}
		})
	}
}

// A declared Content-Length over the limit is refused before the body is
// read, whatever its content type.
func TestJSONBodyRefusesBeforeReading(t *testing.T) {
	t.Parallel()
	body := &spyBody{}
	req := httptest.NewRequest(http.MethodPost, "/x", nil)
	req.Body = body
	req.ContentLength = 1 << 20
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	httpmw.JSONBody(1024)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("handler ran")
	})).ServeHTTP(rec, req)

	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("status = %d, want 413", rec.Code)
	}
	if body.read {
		t.Error("the body was read before refusing it")
	}
	if p := problemOf(t, rec); !strings.Contains(p.Detail, "1 KiB") {
		t.Errorf("detail %q does not state the 1 KiB limit", p.Detail)
	}
}

// A body without a declared length is cut at the limit while the handler
// reads it.
func TestJSONBodyCutsUndeclaredStream(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(strings.Repeat(" ", 100)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	var err error
	httpmw.JSONBody(10)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, err = io.ReadAll(r.Body)
	})).ServeHTTP(httptest.NewRecorder(), req)

	var tooBig *http.MaxBytesError
	if !errors.As(err, &tooBig) || tooBig.Limit != 10 {
		t.Errorf("read error = %v, want *http.MaxBytesError with limit 10", err)
	}
}
