package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"prana/pdf/internal/config"
	"prana/testkit/awstest"
)

// TestAuthDownAtStartThenRecovers starts the pdf service while the auth
// service's JWKS cannot be fetched. It must start anyway, say so on
// /readyz, answer token-bearing requests with 503 (not 401: the tokens may
// be good), and recover by itself once the keys can be fetched. When auth
// goes away again later, the keys it has keep working.
func TestAuthDownAtStartThenRecovers(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	var up atomic.Bool
	var fetches atomic.Int32
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
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
	// /readyz reuses a check's result for a second (health.CacheTTL).
	awstest.Eventually(t, 5*time.Second, "/readyz 200 after recovery", func() bool {
		resp, _ := s.do(t, http.MethodGet, "/readyz", nil)
		return resp.StatusCode == http.StatusOK
	})

	// Auth disappears again: the keys already fetched keep verifying, for
	// a new user's token too, and a token with a kid nobody published is
	// still a 401, not a 503.
	up.Store(false)
	before := fetches.Load()
	for _, u := range []user{newUser(), newUser()} {
		resp, _ = s.do(t, http.MethodGet, "/api/pdf/download", http.Header{"Authorization": {"Bearer " + iss.token(t, u)}})
		if resp.StatusCode != http.StatusOK {
			t.Errorf("download with auth gone after keys were fetched: %d, want 200", resp.StatusCode)
		}
	}
	stranger := newIssuer(t) // signs with a key of its own, under another kid
	resp, _ = s.do(t, http.MethodGet, "/api/pdf/download", http.Header{"Authorization": {"Bearer " + stranger.token(t, newUser())}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown kid with auth gone but keys cached: %d, want 401", resp.StatusCode)
	}
	if resp, _ = s.do(t, http.MethodGet, "/readyz", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz with auth gone but keys cached: %d, want 200", resp.StatusCode)
	}
	// The unknown kid may cost one refetch; no more than that.
	if n := fetches.Load() - before; n > 1 {
		t.Errorf("%d JWKS fetches while auth was gone, want at most 1", n)
	}
}
