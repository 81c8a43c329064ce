package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// rejection is one request the service must answer 401.
type rejection struct {
	name          string
	authorization string // the whole header; "" sends none
	tokenGiven    bool   // a bearer token was sent: expect error="invalid_token"
}

// check401 checks a 401: problem+json (the transport checks the document)
// with a Bearer challenge that names invalid_token when a token was given.
func check401(t *testing.T, r rejection, status int, header http.Header, body []byte) {
	t.Helper()
	if status != http.StatusUnauthorized {
		t.Errorf("%s: status %d, want 401; body %s", r.name, status, body)
		return
	}
	challenge := header.Get("WWW-Authenticate")
	if !strings.HasPrefix(challenge, "Bearer") {
		t.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge", r.name, challenge)
	}
	if got := strings.Contains(challenge, `error="invalid_token"`); got != r.tokenGiven {
		t.Errorf("%s: WWW-Authenticate %q: invalid_token named %v, want %v", r.name, challenge, got, r.tokenGiven)
	}
}

// expectRejected sends each rejection to every secured operation.
func (s *service) expectRejected(t *testing.T, cases []rejection) {
	t.Helper()
	ctx := context.Background()
	for _, r := range cases {
		d := s.download(t, r.authorization, "")
		check401(t, r, d.StatusCode(), d.HTTPResponse.Header, d.Body)
		if t.Failed() {
			continue // one report per case is enough
		}
		u, err := s.client.UploadPdfToS3WithResponse(ctx, bearer(r.authorization))
		if err != nil {
			t.Fatal(err)
		}
		check401(t, r, u.StatusCode(), u.HTTPResponse.Header, u.Body)
		j, err := s.client.GetJobWithResponse(ctx, uuid.New(), bearer(r.authorization))
		if err != nil {
			t.Fatal(err)
		}
		check401(t, r, j.StatusCode(), j.HTTPResponse.Header, j.Body)
	}
}

func TestUnauthorizedEdDSA(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure)
	u := newUser()
	// The verifier allows 30 s of clock skew: go well past it.
	past, future := time.Now().Add(-10*time.Minute), time.Now().Add(10*time.Minute)
	otherKey, _ := edKey(t, iss.kid) // same kid, another key

	token := func(edit ...func(jwt.Token)) string { return "Bearer " + iss.token(t, u, edit...) }
	cases := []rejection{
		{"no header", "", false},
		{"Basic scheme", "Basic abc", false},
		{"Bearer without token", "Bearer", false},
		{"Bearer with blanks", "Bearer   ", false},
		{"malformed token", "Bearer not.a.jwt", true},
		{"garbage token", "Bearer abc", true},
		{"bad signature (same kid, other key)", "Bearer " + sign(t, claims(t, u), jwa.EdDSA, otherKey), true},
		{"alg none", "Bearer " + unsigned(t, claims(t, u), iss.kid), true},
		{"HS256 when EdDSA is configured", "Bearer " + sign(t, claims(t, u), jwa.HS256, []byte("a-shared-secret-of-some-length"), withKid(t, iss.kid)), true},
		{"expired", token(set(jwt.IssuedAtKey, past.Add(-time.Hour)), set(jwt.ExpirationKey, past)), true},
		{"not yet valid", token(set(jwt.NotBeforeKey, future)), true},
		{"no exp", token(remove(jwt.ExpirationKey)), true},
		{"wrong iss", token(set(jwt.IssuerKey, "someone-else")), true},
		{"no iss", token(remove(jwt.IssuerKey)), true},
		{"wrong aud", token(set(jwt.AudienceKey, []string{"other-service"})), true},
		{"missing email", token(remove("email")), true},
		{"missing id", token(remove("id")), true},
		{"id not a UUID", token(set("id", "42"), set(jwt.SubjectKey, "42")), true},
		{"date_of_birth not a date", token(set("date_of_birth", "1990-02-30")), true},
		{"name not a string", token(set("name", 7)), true},
		{"tampered payload", "Bearer " + tamper(t, iss.token(t, u)), true},
	}
	s.expectRejected(t, cases)

	// The same checks let the untouched token through.
	if d := s.download(t, token(), ""); d.StatusCode() != http.StatusOK {
		t.Errorf("valid token: status %d, body %s", d.StatusCode(), d.Body)
	}
}

func TestUnauthorizedHS256(t *testing.T) {
	t.Parallel()
	const secret = "seed-mode-secret-of-this-test-0123456789"
	s := newService(t, hs256(secret))
	u := newUser()
	iss := newIssuer(t) // a perfectly good EdDSA issuer this service does not use
	expired, err := jwt.NewBuilder().
		Claim("name", u.Name).Claim("surname", u.Surname).Claim("email", u.Email).
		Claim("date_of_birth", u.DateOfBirth).Claim("id", u.ID).
		Expiration(time.Now().Add(-10 * time.Minute)).Build()
	if err != nil {
		t.Fatal(err)
	}
	s.expectRejected(t, []rejection{
		{"no header", "", false},
		{"EdDSA token in HS256 mode", "Bearer " + iss.token(t, u), true},
		{"wrong secret", "Bearer " + seedToken(t, "another-secret-entirely", u), true},
		{"HS512 with the secret", "Bearer " + sign(t, claims(t, u), jwa.HS512, []byte(secret)), true},
		{"expired seed token", "Bearer " + sign(t, expired, jwa.HS256, []byte(secret)), true},
	})
	if d := s.download(t, "Bearer "+seedToken(t, secret, u), ""); d.StatusCode() != http.StatusOK {
		t.Errorf("seed token: status %d, body %s", d.StatusCode(), d.Body)
	}
}

// tamper swaps the payload of a signed token for one naming someone else.
func tamper(t *testing.T, raw string) string {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %s", raw)
	}
	other := newUser()
	tok := claims(t, other)
	forged := strings.Split(unsigned(t, tok, ""), ".")[1]
	return parts[0] + "." + forged + "." + parts[2]
}

// A request without a valid token learns 401 and nothing else: not that a
// job id must be a UUID (the generated router checks the path parameter
// before any strict middleware, so it used to answer 400 first).
func TestTokenCheckedBeforePath(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure)
	for _, r := range []rejection{{"no header", "", false}, {"garbage token", "Bearer abc", true}} {
		h := http.Header{}
		if r.authorization != "" {
			h.Set("Authorization", r.authorization)
		}
		resp, body := s.do(t, http.MethodGet, "/api/pdf/jobs/zzz", h)
		check401(t, r, resp.StatusCode, resp.Header, body)
	}
	// With a good token the bad id is still a bad request.
	resp, body := s.do(t, http.MethodGet, "/api/pdf/jobs/zzz", http.Header{"Authorization": {"Bearer " + iss.token(t, newUser())}})
	problemOf(t, http.StatusBadRequest, resp, body)
}
