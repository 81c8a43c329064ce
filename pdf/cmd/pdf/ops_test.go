package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"prana/pdf/internal/config"
	"prana/shared/health"
	"prana/testkit/awstest"
)

// 500 anonymous /readyz probes cost a handful of AWS calls, not two each:
// the checks' results are reused for health.CacheTTL.
func TestReadyzFloodMakesFewAWSCalls(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	sw := awstest.NewSwitch(t)
	s := newService(t, iss.configure, func(c *config.Config) { c.AWSEndpointURL = sw.URL })
	awstest.Eventually(t, 15*time.Second, "ready", func() bool {
		r, _ := s.do(t, http.MethodGet, "/readyz", nil)
		return r.StatusCode == http.StatusOK
	})
	calls := func() int { return sw.Count("HEAD") + sw.Count("GetQueueAttributes") }
	before, start := calls(), time.Now()

	const probes, parallel = 500, 10
	var wg sync.WaitGroup
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range probes / parallel {
				if r, _ := s.do(t, http.MethodGet, "/readyz", nil); r.StatusCode != http.StatusOK {
					t.Errorf("/readyz: %d", r.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	made, took := calls()-before, time.Since(start)
	// Two checks (HeadBucket, GetQueueAttributes), each at most once per
	// second of the flood, plus one each for the second it began in.
	limit := 2 * (int(took/time.Second) + 2)
	t.Logf("%d probes in %s made %d AWS calls (limit %d)", probes, took.Round(time.Millisecond), made, limit)
	if made > limit {
		t.Errorf("%d probes made %d AWS calls in %s, want at most %d", probes, made, took.Round(time.Millisecond), limit)
	}
	// The results do age: a probe after the cache's lifetime asks AWS again.
	time.Sleep(health.CacheTTL + 100*time.Millisecond)
	before = calls()
	s.do(t, http.MethodGet, "/readyz", nil)
	if n := calls() - before; n != 2 {
		t.Errorf("a probe after the cache aged made %d AWS calls, want 2", n)
	}
}

// The operations endpoints carry no CORS headers, so no web page on
// another origin can read them; the API itself still can.
func TestOpsEndpointsWithoutCORS(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure)
	origin := http.Header{"Origin": {"http://evil.example"}}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		r, _ := s.do(t, http.MethodGet, path, origin)
		if r.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, r.StatusCode)
		}
		for k := range r.Header {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s answers a cross-origin request with %s: %q", path, k, r.Header.Get(k))
			}
		}
		pre, _ := s.do(t, http.MethodOptions, path, http.Header{"Origin": {"http://evil.example"}, "Access-Control-Request-Method": {"GET"}})
		if pre.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight of %s allowed", path)
		}
	}
	r, _ := s.do(t, http.MethodGet, "/api/pdf/download", http.Header{"Origin": {"http://app.example"}, "Authorization": {"Bearer " + iss.token(t, newUser())}})
	if r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("the API lost its CORS: Access-Control-Allow-Origin %q", r.Header.Get("Access-Control-Allow-Origin"))
	}
}

// freeAddr is a loopback address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// With METRICS_ADDR, /metrics moves to its own listener: the API's port
// answers 404 for it, and the metrics count the API's requests.
func TestMetricsAddr(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	metrics := freeAddr(t)
	s := newService(t, iss.configure, func(c *config.Config) { c.MetricsAddr = metrics })
	if r, _ := s.do(t, http.MethodGet, "/healthz", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %d", r.StatusCode)
	}
	r, body := s.do(t, http.MethodGet, "/metrics", nil)
	problemOf(t, http.StatusNotFound, r, body)

	resp, err := http.Get("http://" + metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(text), `http_requests_total{method="GET",route="/healthz",status="200"}`) {
		t.Errorf("metrics listener: %d, body lacks the /healthz request:\n%.2000s", resp.StatusCode, text)
	}
}
