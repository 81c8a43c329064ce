package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"prana/pdf/internal/config"
)

// TestAuthDownAtStartThenRecovers starts the pdf service while the auth
// service's JWKS cannot be fetched. It must start anyway, say so on
// /readyz, answer token-bearing requests with 503 (not 401: the tokens may
// be good), and recover by itself once the keys can be fetched.
func TestAuthDownAtStartThenRecovers(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	var up atomic.Bool
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "auth is down", http.StatusBadGateway)
			return
		}
		resp, err := http.Get(iss.jwksURL)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(gate.Close)

	s := newService(t, iss.configure, func(c *config.Config) { c.AuthJWKSURL = gate.URL })
	token := "Bearer " + iss.token(t, newUser())

	resp, _ := s.do(t, http.MethodGet, "/readyz", nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with auth down: %d, want 503", resp.StatusCode)
	}
	resp, _ = s.do(t, http.MethodGet, "/api/pdf/download", http.Header{"Authorization": {token}})
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("download with auth down: %d (Retry-After %q), want 503 with Retry-After",
			resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	up.Store(true)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, _ = s.do(t, http.MethodGet, "/api/pdf/download", http.Header{"Authorization": {token}})
		if resp.StatusCode == http.StatusOK || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download after auth came back: %d, want 200", resp.StatusCode)
	}
	if resp, _ = s.do(t, http.MethodGet, "/readyz", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz after recovery: %d, want 200", resp.StatusCode)
	}
}
