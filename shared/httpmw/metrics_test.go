package httpmw_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"prana/shared/httpmw"
)

func TestMetrics(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	r := chi.NewRouter()
	r.Use(httpmw.NewMetrics(reg).Middleware)
	r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		if chi.URLParam(r, "id") == "missing" {
			w.WriteHeader(http.StatusNotFound)
		}
	})
	r.Route("/api", func(r chi.Router) {
		r.Post("/jobs/{job_id}", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusAccepted)
		})
	})

	for _, req := range []struct{ method, path string }{
		{http.MethodGet, "/items/1"},
		{http.MethodGet, "/items/2"},
		{http.MethodGet, "/items/missing"},
		{http.MethodPost, "/api/jobs/abc"},
		{http.MethodGet, "/nope/1"},
		{http.MethodGet, "/nope/2"},
		{http.MethodDelete, "/items/1"},
	} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(req.method, req.path, nil))
	}

	// Distinct URLs of one route share a series (a handler writing nothing
	// is a 200); unknown routes share "unmatched".
	want := `
# HELP http_requests_total HTTP requests by route, method and status.
# TYPE http_requests_total counter
http_requests_total{method="DELETE",route="unmatched",status="405"} 1
http_requests_total{method="GET",route="/items/{id}",status="200"} 2
http_requests_total{method="GET",route="/items/{id}",status="404"} 1
http_requests_total{method="GET",route="unmatched",status="404"} 2
http_requests_total{method="POST",route="/api/jobs/{job_id}",status="202"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "http_requests_total"); err != nil {
		t.Error(err)
	}
	// One latency series per route and method.
	if n, err := testutil.GatherAndCount(reg, "http_request_duration_seconds"); err != nil || n != 4 {
		t.Errorf("latency series = %d (%v), want 4", n, err)
	}
}
