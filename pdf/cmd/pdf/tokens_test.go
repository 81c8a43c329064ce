package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"prana/testkit/tokenattack"
)

// user is the profile a token vouches for.
type user struct {
	ID, Name, Surname, Email, DateOfBirth string
}

var userSeq atomic.Int64

// newUser is a fresh user with a Cyrillic name.
func newUser() user {
	return user{
		ID: uuid.NewString(), Name: "Іван", Surname: "Петренко",
		Email: fmt.Sprintf("ivan.%d@example.com", userSeq.Add(1)), DateOfBirth: "1990-02-28",
	}
}

// issuer plays the auth service: an Ed25519 key published as a JWKS over
// HTTP, and tokens signed with it.
type issuer struct {
	kid     string
	priv    jwk.Key
	jwksURL string
}

// edKey is an Ed25519 private key as a JWK with kid and alg EdDSA, and its
// public half.
func edKey(t *testing.T, kid string) (priv, pub jwk.Key) {
	t.Helper()
	pubRaw, privRaw, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if priv, err = jwk.FromRaw(privRaw); err != nil {
		t.Fatal(err)
	}
	if pub, err = jwk.FromRaw(pubRaw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []jwk.Key{priv, pub} {
		if err := k.Set(jwk.KeyIDKey, kid); err != nil {
			t.Fatal(err)
		}
		if err := k.Set(jwk.AlgorithmKey, jwa.EdDSA); err != nil {
			t.Fatal(err)
		}
	}
	return priv, pub
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	kid := "test-" + uuid.NewString()[:8]
	priv, pub := edKey(t, kid)
	set := jwk.NewSet()
	if err := set.AddKey(pub); err != nil {
		t.Fatal(err)
	}
	doc, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	}))
	t.Cleanup(srv.Close)
	return &issuer{kid: kid, priv: priv, jwksURL: srv.URL + "/.well-known/jwks.json"}
}

// claims builds the token the auth service issues for u: iss, aud, sub and
// the profile claims, valid for an hour. edit adjusts it before signing.
func claims(t *testing.T, u user, edit ...func(jwt.Token)) jwt.Token {
	t.Helper()
	now := time.Now()
	tok, err := jwt.NewBuilder().
		Issuer("prana-auth").Audience([]string{"prana"}).Subject(u.ID).
		IssuedAt(now).Expiration(now.Add(time.Hour)).JwtID(uuid.NewString()).
		Claim("id", u.ID).Claim("name", u.Name).Claim("surname", u.Surname).
		Claim("email", u.Email).Claim("date_of_birth", u.DateOfBirth).
		Build()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edit {
		e(tok)
	}
	return tok
}

// token is a valid EdDSA token for u, adjusted by edit.
func (iss *issuer) token(t *testing.T, u user, edit ...func(jwt.Token)) string {
	t.Helper()
	return sign(t, claims(t, u, edit...), jwa.EdDSA, iss.priv)
}

// set and remove are claim edits.
var set, remove = tokenattack.SetClaim, tokenattack.RemoveClaim

func sign(t *testing.T, tok jwt.Token, alg jwa.SignatureAlgorithm, key any, opts ...jwt.Option) string {
	t.Helper()
	out, err := jwt.Sign(tok, jwt.WithKey(alg, key, opts...))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// withKid puts kid in the token's protected header.
func withKid(t *testing.T, kid string) jwt.Option {
	t.Helper()
	h := jws.NewHeaders()
	if err := h.Set(jws.KeyIDKey, kid); err != nil {
		t.Fatal(err)
	}
	return jws.WithProtectedHeaders(h)
}

// unsigned is tok with "alg": "none" and no signature.
func unsigned(t *testing.T, tok jwt.Token, kid string) string {
	t.Helper()
	header, err := json.Marshal(map[string]string{"alg": "none", "typ": "JWT", "kid": kid})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc(header) + "." + enc(payload) + "."
}

// seedToken is minted exactly as the seed minted tokens: HS256 with the
// shared secret; claims name, surname, email, date_of_birth, id and exp;
// no iss, aud, sub or iat.
func seedToken(t *testing.T, secret string, u user) string {
	t.Helper()
	tok, err := jwt.NewBuilder().
		Claim("name", u.Name).Claim("surname", u.Surname).Claim("email", u.Email).
		Claim("date_of_birth", u.DateOfBirth).Claim("id", u.ID).
		Expiration(time.Now().Add(time.Hour)).
		Build()
	if err != nil {
		t.Fatal(err)
	}
	return sign(t, tok, jwa.HS256, []byte(secret))
}
