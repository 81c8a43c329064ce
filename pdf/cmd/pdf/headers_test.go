package main

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"prana/pdf/internal/config"
	"prana/testkit/slowclient"
)

// TestEveryAnswerCarriesTheSecurityHeaders walks every operation of the
// spec without a token, the routes outside it, the router's 404 and 405,
// and the successful download (the profile as a PDF) and its 304: each
// carries nosniff and no Server banner, and all but the spec and the docs
// say no-store. The download keeps its ETag: a client that keeps its own
// copy (the CLI) still revalidates, though no HTTP cache may store it.
func TestEveryAnswerCarriesTheSecurityHeaders(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure)
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	type call struct{ method, path string }
	var calls []call
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			calls = append(calls, call{method, strings.ReplaceAll(path, "{job_id}", "0190a3c1-0000-7000-8000-000000000000")})
		}
	}
	calls = append(calls, call{"GET", "/docs"}, call{"GET", "/docs/"}, call{"GET", "/metrics"},
		call{"GET", "/no/such/route"}, call{"DELETE", "/healthz"}, call{"OPTIONS", "/api/pdf/download"})
	cacheable := map[string]bool{"/openapi.json": true, "/docs": true, "/docs/": true}
	for _, c := range calls {
		resp, _ := s.do(t, c.method, c.path, nil)
		checkSecurityHeaders(t, c.method+" "+c.path, resp, !cacheable[c.path] || resp.StatusCode >= 400)
	}

	u := newUser()
	auth := "Bearer " + iss.token(t, u)
	resp, _ := s.do(t, http.MethodGet, "/api/pdf/download", http.Header{"Authorization": {auth}})
	checkSecurityHeaders(t, "download 200", resp, true)
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("download without an ETag")
	}
	resp, _ = s.do(t, http.MethodGet, "/api/pdf/download", http.Header{"Authorization": {auth}, "If-None-Match": {etag}})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: status %d, want 304", resp.StatusCode)
	}
	checkSecurityHeaders(t, "download 304", resp, true)
}

// checkSecurityHeaders checks one answer; private: it must say no-store.
func checkSecurityHeaders(t *testing.T, what string, resp *http.Response, private bool) {
	t.Helper()
	h := resp.Header
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s (%d): X-Content-Type-Options %q, want nosniff", what, resp.StatusCode, h.Get("X-Content-Type-Options"))
	}
	if v := h.Get("Server"); v != "" {
		t.Errorf("%s (%d): Server banner %q", what, resp.StatusCode, v)
	}
	if private && h.Get("Cache-Control") != "no-store" {
		t.Errorf("%s (%d): Cache-Control %q, want no-store", what, resp.StatusCode, h.Get("Cache-Control"))
	}
}

// TestSlowClientsAreCutOff: a header sent a byte at a time and a body that
// never ends lose their connection once the configured timeouts pass,
// while the service keeps answering everyone else.
func TestSlowClientsAreCutOff(t *testing.T) {
	t.Parallel()
	const header, read, slack = 500 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second
	s := newService(t, func(c *config.Config) { c.HTTP.ReadHeader, c.HTTP.Read = header, read })
	addr := strings.TrimPrefix(s.base, "http://")
	var mu sync.Mutex
	slowest := map[string]time.Duration{}
	var wg sync.WaitGroup
	for range 10 {
		for what, limit := range map[string]time.Duration{"header sent byte by byte": header, "body that never ends": read} {
			wg.Go(func() {
				var r slowclient.Result
				var err error
				if limit == header {
					r, err = slowclient.Header(addr, 50*time.Millisecond)
				} else {
					r, err = slowclient.Body(addr, "/api/pdf/upload-to-s3", 50*time.Millisecond)
				}
				mu.Lock()
				slowest[what] = max(slowest[what], r.After)
				mu.Unlock()
				if err != nil || r.After > limit+slack {
					t.Errorf("%s: cut off after %v (%v), want within %v + %v", what, r.After, err, limit, slack)
				}
			})
		}
	}
	time.Sleep(header / 2)
	for range 3 {
		if resp, _ := s.do(t, http.MethodGet, "/healthz", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("/healthz while slow clients hold connections: %d", resp.StatusCode)
		}
	}
	wg.Wait()
	t.Logf("slowest cut-offs: %v", slowest)
}
