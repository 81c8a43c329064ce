package httpmw

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// A request that panicked is counted as the 500 it became, and made-up
// methods share one label value instead of minting series without end.
func TestMetricsCountPanicsAndFoldOddMethods(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	r := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), reg)
	r.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	for _, req := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/boom", nil),
		httptest.NewRequest("BREW1", "/nowhere", nil),
		httptest.NewRequest("BREW2", "/nowhere", nil),
	} {
		r.ServeHTTP(httptest.NewRecorder(), req)
	}
	want := `
# HELP http_requests_total HTTP requests by route, method and status.
# TYPE http_requests_total counter
http_requests_total{method="GET",route="/boom",status="500"} 1
http_requests_total{method="OTHER",route="unmatched",status="405"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "http_requests_total"); err != nil {
		t.Fatal(err)
	}
}
