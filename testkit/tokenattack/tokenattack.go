// Package tokenattack is the attack matrix on Prana's access tokens, for
// tests: given how a verifier is configured and a key it trusts, it builds
// the tokens and Authorization headers an attacker would try (RFC 8725,
// OWASP ASVS V9) and says how each must be answered. The verifier's own
// tests and both services' HTTP tests run the same cases. Test-support
// only: import it from _test.go files.
package tokenattack

import (
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// Target is the verifier under attack: its configuration and the key it
// trusts, which the matrix uses to mint the good token and its near misses.
type Target struct {
	// Algorithm is "EdDSA" or "HS256", as configured.
	Algorithm string
	// EdDSA: the trusted private key and the kid it is published under.
	Key ed25519.PrivateKey
	Kid string
	// HS256: the shared secret.
	Secret []byte
	// Issuer and Audience are "" when the verifier does not check them
	// (the seed's HS256 tokens carry neither).
	Issuer, Audience string
	// Leeway is the clock skew the verifier tolerates.
	Leeway time.Duration
	// Now is the verifier's time; tokens are dated from it.
	Now time.Time
	// User is whom the good token is for (the auth service looks it up).
	User Profile
	// Lure is a server the verifier must never contact (see NewLure).
	Lure *Lure
}

// Profile is the user a token vouches for, as the claims spell it.
type Profile struct {
	ID, Name, Surname, Email, DateOfBirth string
}

// Case is one attempt and the answer it must get.
type Case struct {
	Name string
	// Token is the raw token (token cases).
	Token string
	// Authorization holds the header values to send, one header each;
	// nil sends none (request cases).
	Authorization []string
	// Query is a raw query string to add to the URL.
	Query string
	// Accept: the request must succeed.
	Accept bool
	// Error is the error the Bearer challenge must name when refused:
	// "invalid_token" when a token was given and rejected,
	// "invalid_request" for a malformed request, "" when no token was
	// given (RFC 6750 §3.1).
	Error string
	// Why records the decision behind a case that is not self-evident.
	Why string
}

// Lure is a server an attacker points jku and x5u headers at. It serves
// the attacker's JWKS at any path, so a verifier that followed the header
// would also trust the forged token; it counts every request.
type Lure struct {
	URL  string
	hits atomic.Int64
}

// NewLure starts a lure until the test ends.
func NewLure(t testing.TB) *Lure {
	t.Helper()
	l := &Lure{}
	doc := attackerJWKS(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		l.hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	}))
	t.Cleanup(srv.Close)
	l.URL = srv.URL
	return l
}

// Hits is how many requests the lure received.
func (l *Lure) Hits() int64 { return l.hits.Load() }
