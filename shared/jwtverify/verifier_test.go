package jwtverify

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

const userID = "01a223d1-2cc4-76a2-ac40-11eb788dad42"

type signer struct {
	priv jwk.Key
	pub  jwk.Key
	raw  ed25519.PublicKey
}

func newSigner(t *testing.T) signer {
	t.Helper()
	pubRaw, privRaw, _ := ed25519.GenerateKey(rand.Reader)
	priv, _ := jwk.FromRaw(privRaw)
	pub, _ := jwk.FromRaw(pubRaw)
	tp, _ := pub.Thumbprint(crypto.SHA256)
	kid := base64.RawURLEncoding.EncodeToString(tp)
	for _, k := range []jwk.Key{priv, pub} {
		_ = k.Set(jwk.KeyIDKey, kid)
		_ = k.Set(jwk.AlgorithmKey, jwa.EdDSA)
	}
	return signer{priv: priv, pub: pub, raw: pubRaw}
}

func (s signer) set() jwk.Set {
	set := jwk.NewSet()
	_ = set.AddKey(s.pub)
	return set
}

// profile builds a token with the seed's claims; edit adjusts it.
func profile(edit func(b *jwt.Builder) *jwt.Builder) jwt.Token {
	b := jwt.NewBuilder().
		Claim("id", userID).Claim("name", "Іван").Claim("surname", "Петренко").
		Claim("email", "ivan@example.com").Claim("date_of_birth", "1990-02-28").
		Expiration(time.Now().Add(time.Hour))
	if edit != nil {
		b = edit(b)
	}
	tok, err := b.Build()
	if err != nil {
		panic(err)
	}
	return tok
}

func sign(t *testing.T, tok jwt.Token, alg jwa.SignatureAlgorithm, key any) string {
	t.Helper()
	out, err := jwt.Sign(tok, jwt.WithKey(alg, key))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestEdDSA(t *testing.T) {
	t.Parallel()
	s := newSigner(t)
	v, err := New(context.Background(), Config{Algorithm: "EdDSA", Keys: s.set(), Issuer: "prana-auth", Audience: "prana"})
	if err != nil {
		t.Fatal(err)
	}
	good := func(b *jwt.Builder) *jwt.Builder {
		return b.Issuer("prana-auth").Audience([]string{"prana"}).Subject(userID)
	}
	c, err := v.Verify(context.Background(), sign(t, profile(good), jwa.EdDSA, s.priv))
	if err != nil {
		t.Fatalf("valid token rejected: %v", err)
	}
	if c.UserID != userID || c.Name != "Іван" || c.DateOfBirth.Format("2006-01-02") != "1990-02-28" {
		t.Fatalf("claims %+v", c)
	}

	other := newSigner(t)
	noneTok := func() string {
		h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
		p, _ := json.Marshal(map[string]any{"id": userID, "name": "a", "surname": "b", "email": "e@x.io", "date_of_birth": "1990-01-01", "exp": time.Now().Add(time.Hour).Unix(), "iss": "prana-auth", "aud": "prana"})
		return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p) + "."
	}()
	hsWithPub, _ := jwt.Sign(profile(good), jwt.WithKey(jwa.HS256, []byte(s.raw), jws.WithProtectedHeaders(kidHeader(s.pub.KeyID()))))
	rejects := map[string]string{
		"garbage":               "not.a.token",
		"empty":                 "",
		"alg none":              noneTok,
		"HS256 with public key": string(hsWithPub),
		"other key":             sign(t, profile(good), jwa.EdDSA, other.priv),
		"expired": sign(t, profile(func(b *jwt.Builder) *jwt.Builder {
			return good(b).Expiration(time.Now().Add(-time.Hour))
		}), jwa.EdDSA, s.priv),
		"not yet valid": sign(t, profile(func(b *jwt.Builder) *jwt.Builder {
			return good(b).NotBefore(time.Now().Add(time.Hour))
		}), jwa.EdDSA, s.priv),
		"wrong issuer":   sign(t, profile(func(b *jwt.Builder) *jwt.Builder { return good(b).Issuer("evil") }), jwa.EdDSA, s.priv),
		"wrong audience": sign(t, profile(func(b *jwt.Builder) *jwt.Builder { return good(b).Audience([]string{"other"}) }), jwa.EdDSA, s.priv),
		"no issuer":      sign(t, profile(func(b *jwt.Builder) *jwt.Builder { return b.Audience([]string{"prana"}) }), jwa.EdDSA, s.priv),
		"sub differs":    sign(t, profile(func(b *jwt.Builder) *jwt.Builder { return good(b).Subject("someone-else") }), jwa.EdDSA, s.priv),
		"tampered":       tamper(sign(t, profile(good), jwa.EdDSA, s.priv)),
	}
	for name, raw := range rejects {
		if _, err := v.Verify(context.Background(), raw); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", name, err)
		}
	}
}

func kidHeader(kid string) jws.Headers {
	h := jws.NewHeaders()
	_ = h.Set(jws.KeyIDKey, kid)
	return h
}

func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	p, _ := base64.RawURLEncoding.DecodeString(parts[1])
	p = []byte(strings.Replace(string(p), "ivan@example.com", "evil@example.com", 1))
	parts[1] = base64.RawURLEncoding.EncodeToString(p)
	return strings.Join(parts, ".")
}

func TestExpiredIsDistinguishable(t *testing.T) {
	t.Parallel()
	v, _ := New(context.Background(), Config{Algorithm: "HS256", Secret: []byte("0123456789abcdef0123")})
	raw := sign(t, profile(func(b *jwt.Builder) *jwt.Builder { return b.Expiration(time.Now().Add(-time.Minute)) }), jwa.HS256, []byte("0123456789abcdef0123"))
	if _, err := v.Verify(context.Background(), raw); !errors.Is(err, ErrExpired) {
		t.Fatalf("got %v, want ErrExpired", err)
	}
}

// TestHS256SeedToken checks a token shaped exactly as the seed minted it:
// HS256, claims name, surname, email, date_of_birth, id, exp; no iss/aud/sub.
func TestHS256SeedToken(t *testing.T) {
	t.Parallel()
	secret := []byte("example_secret_key_hex_string")
	v, err := New(context.Background(), Config{Algorithm: "HS256", Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), sign(t, profile(nil), jwa.HS256, secret)); err != nil {
		t.Fatalf("seed token rejected: %v", err)
	}
	s := newSigner(t)
	for name, raw := range map[string]string{
		"wrong secret":    sign(t, profile(nil), jwa.HS256, []byte("another secret entirely")),
		"EdDSA token":     sign(t, profile(nil), jwa.EdDSA, s.priv),
		"HS512 same key":  sign(t, profile(nil), jwa.HS512, secret),
		"no exp":          sign(t, profileNoExp(), jwa.HS256, secret),
		"missing email":   sign(t, without(profile(nil), "email"), jwa.HS256, secret),
		"id not a uuid":   sign(t, with(profile(nil), "id", "42"), jwa.HS256, secret),
		"bad dob":         sign(t, with(profile(nil), "date_of_birth", "1990-02-30"), jwa.HS256, secret),
		"name not string": sign(t, with(profile(nil), "name", 7), jwa.HS256, secret),
	} {
		if _, err := v.Verify(context.Background(), raw); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", name, err)
		}
	}
}

func profileNoExp() jwt.Token {
	tok := profile(nil)
	_ = tok.Remove(jwt.ExpirationKey)
	return tok
}

func without(tok jwt.Token, claim string) jwt.Token {
	_ = tok.Remove(claim)
	return tok
}

func with(tok jwt.Token, claim string, v any) jwt.Token {
	_ = tok.Set(claim, v)
	return tok
}

// TestRemoteJWKSRotation serves a JWKS over HTTP, rotates the key, and checks
// that a token with the new kid triggers one refetch, and that garbage kids
// do not make the verifier hammer the endpoint.
func TestRemoteJWKSRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := newSigner(t), newSigner(t)
	var current atomic.Pointer[jwk.Set]
	set := oldKey.set()
	current.Store(&set)
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetches.Add(1)
		_ = json.NewEncoder(w).Encode(*current.Load())
	}))
	defer srv.Close()

	// A fake clock: on a loaded machine 20 signatures can outlast any real
	// interval short enough for a test.
	clk := newClock()
	v, err := New(context.Background(), Config{Algorithm: "EdDSA", JWKSURL: srv.URL, RefetchInterval: 200 * time.Millisecond, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), sign(t, profile(nil), jwa.EdDSA, oldKey.priv)); err != nil {
		t.Fatalf("token of the fetched key rejected: %v", err)
	}
	rotated := newKey.set()
	current.Store(&rotated)
	clk.Advance(250 * time.Millisecond)
	before := fetches.Load()
	if _, err := v.Verify(context.Background(), sign(t, profile(nil), jwa.EdDSA, newKey.priv)); err != nil {
		t.Fatalf("token of the rotated-in key rejected: %v", err)
	}
	if got := fetches.Load() - before; got != 1 {
		t.Fatalf("%d fetches for one unknown kid, want 1", got)
	}
	stranger := newSigner(t)
	before = fetches.Load()
	for range 20 {
		_, _ = v.Verify(context.Background(), sign(t, profile(nil), jwa.EdDSA, stranger.priv))
	}
	if got := fetches.Load() - before; got > 1 {
		t.Fatalf("%d fetches for 20 tokens of an unknown key within the interval, want at most 1", got)
	}
	if err := v.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// TestRemoteJWKSRecoversWhenAuthComesUp starts the verifier while the JWKS
// endpoint is down: tokens get ErrKeysUnavailable (a 503, not a 401) and
// readiness fails, until the endpoint answers; then all works.
func TestRemoteJWKSRecoversWhenAuthComesUp(t *testing.T) {
	t.Parallel()
	s := newSigner(t)
	var up atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		_ = json.NewEncoder(w).Encode(s.set())
	}))
	defer srv.Close()

	v, err := New(context.Background(), Config{Algorithm: "EdDSA", JWKSURL: srv.URL})
	if err != nil {
		t.Fatalf("New must not fail while the JWKS is down: %v", err)
	}
	raw := sign(t, profile(nil), jwa.EdDSA, s.priv)
	if _, err := v.Verify(context.Background(), raw); !errors.Is(err, ErrKeysUnavailable) || errors.Is(err, ErrInvalid) {
		t.Fatalf("Verify while down: %v, want ErrKeysUnavailable (not ErrInvalid)", err)
	}
	if err := v.Ping(context.Background()); err == nil {
		t.Fatal("Ping succeeded while the JWKS is down")
	}
	up.Store(true)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err = v.Verify(context.Background(), raw)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("Verify after the JWKS came up: %v", err)
	}
	if err := v.Ping(context.Background()); err != nil {
		t.Fatalf("Ping after recovery: %v", err)
	}
}
