package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"prana/testkit/pgtest"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	s := newService(t)
	h, err := s.client.GetHealthWithResponse(context.Background())
	if err != nil || h.JSON200 == nil || h.JSON200.Status != "ok" {
		t.Errorf("/healthz: %v, %v", h, err)
	}
	r, err := s.client.GetReadyWithResponse(context.Background())
	if err != nil || r.JSON200 == nil || r.JSON200.Status != "ok" || r.JSON200.Checks == nil || (*r.JSON200.Checks)["postgres"] != "ok" {
		t.Errorf("/readyz: %+v, %v", r, err)
	}
}

// TestReadinessFollowsPostgres stops the service's PostgreSQL: /readyz
// turns 503 promptly; signup, login and /me answer 503 with Retry-After
// within a second (no hang, no 500, nothing internal revealed), again and
// again; and everything recovers when PostgreSQL is back, without a
// restart.
func TestReadinessFollowsPostgres(t *testing.T) {
	t.Parallel()
	cluster := pgtest.NewCluster(t)
	cfg := testConfig(t, cluster.DSN("postgres"))
	// Signup hashes before it reaches the database, so its 503 comes after
	// one hash: the cheapest parameters keep the 1 s bound about the
	// database, not about a hash under -race on a busy test machine.
	cfg.Argon2MemoryKiB, cfg.Argon2Iterations, cfg.Argon2Parallelism = 8*1024, 1, 1
	// With the rate limits on, as deployed (high enough never to refuse
	// here), signup and login count the attempt in PostgreSQL before they
	// hash, so their 503 does not wait for a hash on a loaded machine.
	cfg.SignupPerIPPerMinute, cfg.LoginPerIPPerMinute = 1000, 1000
	s := startService(t, cfg)
	req := validSignup(uniqueEmail("before"))
	s.mustSignup(t, req)
	token := s.mustLogin(t, req.Email, req.Password)

	if err := cluster.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	eventually(t, 5*time.Second, "/readyz answers 503", func() bool { return readyStatus(t, s) == http.StatusServiceUnavailable })
	t.Logf("/readyz answered 503 %v after the stop", time.Since(stopped).Round(time.Millisecond))

	calls := map[string]func() (*http.Response, []byte){
		"signup": func() (*http.Response, []byte) {
			r := s.signup(t, validSignup(uniqueEmail("during")))
			return r.HTTPResponse, r.Body
		},
		"login": func() (*http.Response, []byte) {
			r := s.login(t, req.Email, req.Password)
			return r.HTTPResponse, r.Body
		},
		"me": func() (*http.Response, []byte) {
			r := s.me(t, "Bearer "+token)
			return r.HTTPResponse, r.Body
		},
	}
	for name, call := range calls {
		for range 2 { // the first call finds the pool's dead connections, the next dials
			start := time.Now()
			resp, body := call()
			if took := time.Since(start); took > time.Second {
				t.Errorf("%s with PostgreSQL down took %v, want at most 1 s", name, took)
			}
			p := problemOf(t, http.StatusServiceUnavailable, resp, body)
			checkRetryAfter(t, resp, 60)
			for _, internal := range []string{"127.0.0.1", "dial", "connect", "SQLSTATE", "pgx", "postgres", "goroutine"} {
				if strings.Contains(strings.ToLower(p.Detail+p.Title+p.Code), strings.ToLower(internal)) {
					t.Errorf("%s: the answer reveals %q: %s", name, internal, body)
				}
			}
		}
	}

	if err := cluster.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	eventually(t, 15*time.Second, "/readyz answers 200", func() bool { return readyStatus(t, s) == http.StatusOK })
	s.mustSignup(t, validSignup(uniqueEmail("after")))
	s.mustLogin(t, req.Email, req.Password)
}

func readyStatus(t *testing.T, s *service) int {
	t.Helper()
	r, err := s.client.GetReadyWithResponse(context.Background())
	if err != nil {
		t.Fatalf("/readyz: %v", err)
	}
	return r.StatusCode()
}

func TestMetricsSpecAndDocs(t *testing.T) {
	t.Parallel()
	s := newService(t)
	s.mustSignup(t, validSignup(uniqueEmail("metrics")))

	resp, body := s.do(t, http.MethodGet, "/metrics", "", nil, nil)
	metrics := string(body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(metrics, "auth_password_hash_queue_depth 0") ||
		!strings.Contains(metrics, "http_request_duration_seconds_bucket") {
		t.Errorf("/metrics %d lacks the hashing queue depth or the latency histogram:\n%.2000s", resp.StatusCode, metrics)
	}
	if !hasLine(metrics, "http_requests_total{", `route="/api/auth/signup"`, `status="201"`, `method="POST"`) {
		t.Errorf("/metrics has no signup counter by route and status:\n%.2000s", metrics)
	}

	resp, body = s.do(t, http.MethodGet, "/openapi.json", "", nil, nil)
	var served struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(body, &served); err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("/openapi.json: %v, content type %q", err, resp.Header.Get("Content-Type"))
	}
	if served.OpenAPI != "3.0.3" || served.Paths["/api/auth/signup"] == nil || len(served.Paths) != len(specPaths(t)) {
		t.Errorf("/openapi.json is not api/auth.yaml: openapi %q, %d paths", served.OpenAPI, len(served.Paths))
	}

	for _, path := range []string{"/docs/", "/docs"} { // /docs redirects
		resp, body = s.do(t, http.MethodGet, path, "", nil, nil)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(strings.ToLower(string(body)), "swagger") {
			t.Errorf("%s: status %d, content type %q", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}

// hasLine reports whether some line of text starts with prefix and holds
// every one of parts.
func hasLine(text, prefix string, parts ...string) bool {
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}

func specPaths(t *testing.T) map[string]*openapi3.PathItem {
	t.Helper()
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true // api/common.yaml
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Paths.Map()
}
