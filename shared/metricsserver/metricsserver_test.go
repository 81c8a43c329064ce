package metricsserver_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"prana/shared/metricsserver"
)

func TestServeAndHide(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "test_things_total", Help: "Things."})
	reg.MustRegister(c)
	c.Inc()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	stop, err := metricsserver.Serve("127.0.0.1:0", reg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	// A taken address fails at once.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := metricsserver.Serve(l.Addr().String(), reg, log); err == nil || !strings.Contains(err.Error(), "METRICS_ADDR") {
		t.Errorf("a taken address: %v, want an error naming METRICS_ADDR", err)
	}

	hidden := metricsserver.Hide(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "api") }))
	rec := httptest.NewRecorder()
	hidden.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusNotFound || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("hidden /metrics: %d %q, want a problem+json 404", rec.Code, rec.Header().Get("Content-Type"))
	}
	rec = httptest.NewRecorder()
	hidden.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/x", nil))
	if rec.Body.String() != "api" {
		t.Errorf("Hide changed another path: %q", rec.Body)
	}
}
