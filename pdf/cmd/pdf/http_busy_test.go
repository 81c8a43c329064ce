package main

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"prana/pdf/internal/config"
)

// TestDownloadsBeyondTheRenderQueue fires many uncached downloads at a
// service that renders one at a time and lets one more wait, briefly:
// downloads beyond that answer 503 render_busy with Retry-After, valid
// against the spec, never a 500 or a hang; the rest get their PDF; and
// /metrics counts each refusal.
func TestDownloadsBeyondTheRenderQueue(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure, func(c *config.Config) {
		c.PDFCacheBytes = 0
		c.PDFRenderConcurrency, c.PDFRenderQueue, c.PDFRenderMaxWait = 1, 1, time.Millisecond
	})
	const callers = 24
	tokens := make([]string, callers)
	for i := range tokens {
		tokens[i] = "Bearer " + iss.token(t, newUser())
	}
	ok, busy := 0, 0
	// A wave of simultaneous callers nearly always overlaps; a few waves
	// make it certain on a machine too slow to start them together.
	for wave := 0; wave < 5 && (busy == 0 || ok == 0); wave++ {
		statuses := make([]int, callers)
		var start, done sync.WaitGroup
		start.Add(1)
		for i := range callers {
			done.Add(1)
			go func() {
				defer done.Done()
				start.Wait()
				resp := s.download(t, tokens[i], "")
				statuses[i] = resp.StatusCode()
				if resp.StatusCode() != http.StatusServiceUnavailable {
					return
				}
				p := resp.ApplicationproblemJSON503
				if p == nil || p.Code != "render_busy" {
					t.Errorf("503 without the render_busy problem: %s", resp.Body)
				}
				if ra := resp.HTTPResponse.Header.Get("Retry-After"); ra != "1" {
					t.Errorf("Retry-After %q, want 1", ra)
				}
			}()
		}
		start.Done()
		done.Wait()
		for _, st := range statuses {
			switch st {
			case http.StatusOK:
				ok++
			case http.StatusServiceUnavailable:
				busy++
			default:
				t.Fatalf("download answered %d; want only 200 or 503", st)
			}
		}
	}
	if ok == 0 || busy == 0 {
		t.Fatalf("%d downloads served and %d refused; want both with one renderer and room for one waiting", ok, busy)
	}
	_, metrics := s.do(t, http.MethodGet, "/metrics", nil)
	want := "pdf_render_refused_total " + strconv.Itoa(busy)
	if !strings.Contains(string(metrics), want+"\n") {
		t.Errorf("/metrics lacks %q", want)
	}
	t.Logf("%d served, %d refused", ok, busy)
}
