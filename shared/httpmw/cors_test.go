package httpmw_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"prana/shared/httpmw"
)

func TestCORS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		method    string
		header    map[string]string
		status    int
		nextRuns  bool
		wantHdr   map[string][]string // header → substrings its value must contain
		absentHdr []string
	}{
		{
			name:   "preflight",
			method: http.MethodOptions,
			header: map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
				"Access-Control-Request-Headers": "authorization,content-type"},
			status: http.StatusNoContent,
			wantHdr: map[string][]string{
				"Access-Control-Allow-Origin":  {"*"},
				"Access-Control-Allow-Methods": {"GET", "POST"},
				"Access-Control-Allow-Headers": {"Authorization", "Content-Type", "If-None-Match", "X-Request-ID"},
				"Access-Control-Max-Age":       {"600"},
			},
		},
		{
			name:     "cross-origin request",
			method:   http.MethodGet,
			header:   map[string]string{"Origin": "https://app.example"},
			status:   http.StatusOK,
			nextRuns: true,
			wantHdr: map[string][]string{
				"Access-Control-Allow-Origin":   {"*"},
				"Access-Control-Expose-Headers": {"Content-Disposition", "ETag", "Location", "Retry-After", "X-Request-ID"},
			},
			absentHdr: []string{"Access-Control-Allow-Methods"},
		},
		{
			name:     "OPTIONS that is no preflight",
			method:   http.MethodOptions,
			header:   map[string]string{"Origin": "https://app.example"},
			status:   http.StatusOK,
			nextRuns: true,
			wantHdr:  map[string][]string{"Access-Control-Allow-Origin": {"*"}},
		},
		{
			name:      "same origin",
			method:    http.MethodGet,
			status:    http.StatusOK,
			nextRuns:  true,
			absentHdr: []string{"Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Access-Control-Allow-Methods"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tt.method, "/api/pdf/download", nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			ran := false
			httpmw.CORS(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ran = true })).ServeHTTP(rec, req)

			if rec.Code != tt.status || ran != tt.nextRuns {
				t.Errorf("status %d, next ran %v; want %d, %v", rec.Code, ran, tt.status, tt.nextRuns)
			}
			for h, parts := range tt.wantHdr {
				got := rec.Header().Get(h)
				for _, p := range parts {
					if !strings.Contains(got, p) {
						t.Errorf("%s = %q, lacks %q", h, got, p)
					}
				}
			}
			for _, h := range tt.absentHdr {
				if got := rec.Header().Get(h); got != "" {
					t.Errorf("%s = %q, want none", h, got)
				}
			}
			if tt.header == nil && len(rec.Header()) != 0 {
				t.Errorf("headers %v added to a request without Origin", rec.Header())
			}
		})
	}
}
