package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"prana/auth/internal/config"
)

func TestLoginIssuesABearerToken(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) { c.AccessTokenMinutes = 45 })
	s.mustSignup(t, validSignup("Mixed.Case@Example.com"))
	for _, email := range []string{"Mixed.Case@Example.com", "mixed.case@example.com", " MIXED.CASE@EXAMPLE.COM "} {
		resp := s.login(t, email, testPassword)
		if resp.StatusCode() != http.StatusOK || resp.JSON200 == nil {
			t.Fatalf("login %q: status %d, body %s", email, resp.StatusCode(), resp.Body)
		}
		tok := resp.JSON200
		if tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.ExpiresIn != 45*60 {
			t.Errorf("login %q: %+v, want a Bearer token expiring in %d s", email, tok, 45*60)
		}
	}
}

// TestLoginFailuresLookAlike: a wrong password and an unknown email get the
// same answer, in about the same time (the unknown email is checked against
// a decoy hash). Not parallel: the timing comparison wants a quiet machine.
func TestLoginFailuresLookAlike(t *testing.T) {
	s := newService(t)
	s.mustSignup(t, validSignup("known@example.com"))

	wrong := s.login(t, "known@example.com", "wrong-"+secretMarker+"-pw")
	unknown := s.login(t, "unknown@example.com", "wrong-"+secretMarker+"-pw")
	if wrong.StatusCode() != http.StatusUnauthorized || unknown.StatusCode() != http.StatusUnauthorized {
		t.Fatalf("statuses %d and %d, want 401 for both", wrong.StatusCode(), unknown.StatusCode())
	}
	if a, b := withoutPerRequestFields(t, wrong.Body), withoutPerRequestFields(t, unknown.Body); a != b {
		t.Errorf("bodies differ:\nwrong password: %s\nunknown email:  %s", a, b)
	}
	for _, h := range []string{"Www-Authenticate", "Content-Type", "Cache-Control"} {
		if a, b := wrong.HTTPResponse.Header.Get(h), unknown.HTTPResponse.Header.Get(h); a != b {
			t.Errorf("header %s differs: %q vs %q", h, a, b)
		}
	}

	// Interleaved, so that load from elsewhere hits both series alike.
	// Without the decoy hash an unknown email answers in well under a tenth
	// of the time; half leaves room for a noisy machine.
	const rounds = 7
	var wrongTimes, unknownTimes []time.Duration
	for range rounds {
		wrongTimes = append(wrongTimes, timed(func() { s.login(t, "known@example.com", "bad-"+secretMarker) }))
		unknownTimes = append(unknownTimes, timed(func() { s.login(t, "nobody@example.com", "bad-"+secretMarker) }))
	}
	mw, mu := median(wrongTimes), median(unknownTimes)
	t.Logf("median login time: wrong password %v, unknown email %v", mw, mu)
	if mu < mw/2 {
		t.Errorf("unknown email answers in %v, wrong password in %v: timing tells which emails exist", mu, mw)
	}
}

// withoutPerRequestFields is a problem body without the fields that differ per request.
func withoutPerRequestFields(t *testing.T, body []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body: %v", err)
	}
	delete(m, "request_id")
	delete(m, "instance")
	out, _ := json.Marshal(m)
	return string(out)
}

func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// TestLoginRateLimitPerAddressAndEmail: one address failing for one email
// is stopped, even with the right password; the victim from elsewhere is
// not (abuse_test.go floods from many addresses).
func TestLoginRateLimitPerAddressAndEmail(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) { c.LoginPerIPEmailPerMinute = 3 })
	s.mustSignup(t, validSignup("limited@example.com"))
	s.mustSignup(t, validSignup("other@example.com"))

	// Failed attempts count, in any letter case of the email.
	for i, email := range []string{"limited@example.com", "LIMITED@example.com", "Limited@Example.com"} {
		if st := s.login(t, email, "wrong-"+secretMarker).StatusCode(); st != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, st)
		}
	}
	resp := s.login(t, "limited@example.com", testPassword) // even the right password
	p := problemOf(t, http.StatusTooManyRequests, resp.HTTPResponse, resp.Body)
	checkRetryAfter(t, resp.HTTPResponse, 60)
	if p.Code != "rate_limited" {
		t.Errorf("code %q, want rate_limited", p.Code)
	}
	// Another email is not affected.
	if st := s.login(t, "other@example.com", testPassword).StatusCode(); st != http.StatusOK {
		t.Errorf("other email: status %d, want 200", st)
	}
}

func TestLoginRateLimitPerIP(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) { c.LoginPerIPPerMinute = 3 })
	s.mustSignup(t, validSignup("ip@example.com"))
	for i := range 3 {
		if st := s.login(t, uniqueEmail("spray"), "wrong-"+secretMarker).StatusCode(); st != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, st)
		}
	}
	resp := s.login(t, "ip@example.com", testPassword)
	problemOf(t, http.StatusTooManyRequests, resp.HTTPResponse, resp.Body)
	checkRetryAfter(t, resp.HTTPResponse, 60)
}

// checkRetryAfter checks Retry-After is a whole number of seconds in
// [1, max].
func checkRetryAfter(t *testing.T, resp *http.Response, max int) {
	t.Helper()
	v := resp.Header.Get("Retry-After")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		t.Errorf("Retry-After %q, want 1..%d seconds", v, max)
	}
}
