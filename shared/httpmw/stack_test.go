package httpmw_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"prana/shared/httpmw"
	"prana/shared/requestid"
)

func TestNewRouter(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	extraRan := false
	r := httpmw.NewRouter(discard, reg, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			extraRan = true
			next.ServeHTTP(w, r)
		})
	})
	r.Get("/items", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "items") })
	r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })

	serve := func(method, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec
	}

	t.Run("route", func(t *testing.T) {
		rec := serve(http.MethodGet, "/items")
		if rec.Code != http.StatusOK || rec.Body.String() != "items" || !extraRan {
			t.Errorf("got %d %q (extra middleware ran: %v)", rec.Code, rec.Body, extraRan)
		}
		if id := rec.Header().Get(requestid.Header); id == "" {
			t.Error("no request id on the response")
		}
	})
	for _, tt := range []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"unknown route", http.MethodGet, "/nope", http.StatusNotFound, "not_found"},
		{"unknown method", http.MethodPost, "/items", http.StatusMethodNotAllowed, "method_not_allowed"},
		{"panic", http.MethodGet, "/panic", http.StatusInternalServerError, "internal_error"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(tt.method, tt.path)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
			p := problemOf(t, rec)
			if p.Code != tt.code || p.Instance != tt.path {
				t.Errorf("problem = %+v, want code %q instance %q", p, tt.code, tt.path)
			}
			if p.RequestId == "" || p.RequestId != rec.Header().Get(requestid.Header) {
				t.Errorf("request_id %q does not match the header %q", p.RequestId, rec.Header().Get(requestid.Header))
			}
		})
	}
	t.Run("metrics", func(t *testing.T) {
		rec := serve(http.MethodGet, "/metrics")
		if rec.Code != http.StatusOK {
			t.Fatalf("status = %d, want 200", rec.Code)
		}
		body := rec.Body.String()
		for _, want := range []string{
			`http_requests_total{method="GET",route="/items",status="200"} 1`,
			`http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})
}
