package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"prana/auth/internal/config"
)

// With METRICS_ADDR, /metrics moves to its own listener: the API's port
// answers 404 for it, and the metrics count the API's requests. /readyz and
// /metrics carry no CORS headers either way.
func TestMetricsAddr(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metrics := l.Addr().String()
	l.Close()
	s := newService(t, func(c *config.Config) { c.MetricsAddr = metrics })

	origin := http.Header{"Origin": {"http://evil.example"}}
	if r, _ := s.do(t, http.MethodGet, "/readyz", "", nil, origin); r.StatusCode != http.StatusOK || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("/readyz: %d, Access-Control-Allow-Origin %q", r.StatusCode, r.Header.Get("Access-Control-Allow-Origin"))
	}
	r, body := s.do(t, http.MethodGet, "/metrics", "", nil, nil)
	problemOf(t, http.StatusNotFound, r, body)

	resp, err := http.Get("http://" + metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(text), `http_requests_total{method="GET",route="/readyz",status="200"}`) {
		t.Errorf("metrics listener: %d, body lacks the /readyz request:\n%.2000s", resp.StatusCode, text)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("the metrics listener sends CORS headers")
	}
}
