package loadgen

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunCountsStatusesPerRequest: every answer is counted under its status, each worker builds its own
// requests, and a server that answers nothing but 418 is reported as such.
func TestRunCountsStatusesPerRequest(t *testing.T) {
	t.Parallel()
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		if r.URL.Query().Get("w") == "1" {
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	t.Cleanup(srv.Close)
	res, err := Run(t.Context(), Config{Workers: 2, Duration: 300 * time.Millisecond}, func(w, _ int) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, srv.URL+"/?w="+string(rune('0'+w)), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 0 || res.Statuses[200] == 0 || res.Statuses[418] == 0 {
		t.Fatalf("statuses %v errors %d (%v): want both workers' answers", res.Statuses, res.Errors, res.FirstErr)
	}
	if res.Answered() != res.Statuses[200]+res.Statuses[418] || res.Answered() > uint64(served.Load()) {
		t.Errorf("answered %d, statuses %v, served %d", res.Answered(), res.Statuses, served.Load())
	}
	if res.Only(200) {
		t.Error("Only(200) with 418s among the answers")
	}
}

// TestRunCountsConnectionErrors: a server that is gone is an error per request, not an answer.
func TestRunCountsConnectionErrors(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	res, err := Run(t.Context(), Config{Workers: 1, Duration: 100 * time.Millisecond}, func(int, int) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, url, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors == 0 || res.Answered() != 0 || res.FirstErr == nil {
		t.Errorf("errors %d answered %d first %v", res.Errors, res.Answered(), res.FirstErr)
	}
}
