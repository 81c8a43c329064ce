package jwtverify

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"prana/testkit/tokenattack"
)

// clock is a settable fake clock for Config.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var attackUser = tokenattack.Profile{
	ID: userID, Name: "Іван", Surname: "Петренко", Email: "ivan@example.com", DateOfBirth: "1990-02-28",
}

// jwksServer publishes keys as the auth service does and counts fetches.
type jwksServer struct {
	URL     string
	fetches atomic.Int64
	keys    atomic.Pointer[[]ed25519.PrivateKey]
	kids    atomic.Pointer[[]string]
}

func newJWKSServer(t *testing.T) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.fetches.Add(1)
		set := jwk.NewSet()
		keys, kids := *s.keys.Load(), *s.kids.Load()
		for i, k := range keys {
			pub, _ := jwk.FromRaw(k.Public())
			_ = pub.Set(jwk.KeyIDKey, kids[i])
			_ = pub.Set(jwk.AlgorithmKey, jwa.EdDSA)
			_ = set.AddKey(pub)
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/.well-known/jwks.json"
	return s
}

// publish replaces the published keys.
func (s *jwksServer) publish(keys []ed25519.PrivateKey, kids []string) {
	s.keys.Store(&keys)
	s.kids.Store(&kids)
}

func newEd25519(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestAttackMatrix runs every case of the shared matrix against the
// verifier in both configurations: EdDSA with a JWKS fetched over HTTP (as
// the pdf service runs) and HS256 with the seed's secret. The clock is
// fake, so the leeway edges are exact.
func TestAttackMatrix(t *testing.T) {
	t.Parallel()
	const leeway = 30 * time.Second
	key := newEd25519(t)
	jwks := newJWKSServer(t)
	jwks.publish([]ed25519.PrivateKey{key}, []string{"k1"})
	secret := []byte("example_secret_key_hex_string")

	targets := map[string]struct {
		cfg Config
		tg  tokenattack.Target
	}{
		"EdDSA via JWKS": {
			cfg: Config{Algorithm: "EdDSA", JWKSURL: jwks.URL, Issuer: DefaultIssuer, Audience: DefaultAudience, Leeway: leeway},
			tg:  tokenattack.Target{Algorithm: "EdDSA", Key: key, Kid: "k1", Issuer: DefaultIssuer, Audience: DefaultAudience},
		},
		"HS256 seed mode": {
			cfg: Config{Algorithm: "HS256", Secret: secret, Leeway: leeway},
			tg:  tokenattack.Target{Algorithm: "HS256", Secret: secret},
		},
	}
	for name, target := range targets {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			lure := tokenattack.NewLure(t)
			cfg, tg := target.cfg, target.tg
			cfg.Now, tg.Now, tg.Leeway, tg.User, tg.Lure = clk.Now, clk.Now(), leeway, attackUser, lure
			v, err := New(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tokenattack.Tokens(t, tg) {
				claims, err := v.Verify(t.Context(), c.Token)
				switch {
				case c.Accept && err != nil:
					t.Errorf("%s: refused: %v", c.Name, err)
				case c.Accept && claims.UserID != attackUser.ID:
					t.Errorf("%s: claims %+v", c.Name, claims)
				case !c.Accept && !errors.Is(err, ErrInvalid):
					t.Errorf("%s: got %v, want ErrInvalid", c.Name, err)
				case !c.Accept && errors.Is(err, ErrKeysUnavailable):
					t.Errorf("%s: %v: a bad token must not read as a key outage", c.Name, err)
				}
			}
			if n := lure.Hits(); n != 0 {
				t.Errorf("the verifier contacted the URL of a jku/x5u header %d times", n)
			}
		})
	}
}

// TestKeyRotation: a token signed with a previous key verifies while that
// key is published and stops verifying once the JWKS no longer holds it
// (after the JWKS's max-age, at most), without restarting anything. A new
// key's tokens verify at once (the unknown kid triggers a refetch).
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	clk := newClock()
	oldKey, newKey := newEd25519(t), newEd25519(t)
	jwks := newJWKSServer(t)
	jwks.publish([]ed25519.PrivateKey{oldKey}, []string{"old"})
	v, err := New(t.Context(), Config{Algorithm: "EdDSA", JWKSURL: jwks.URL, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	tokenBy := func(key ed25519.PrivateKey, kid string) string {
		tok := profile(func(b *jwt.Builder) *jwt.Builder { return b.Expiration(clk.Now().Add(24 * time.Hour)) })
		out, err := jwt.Sign(tok, jwt.WithKey(jwa.EdDSA, key, jws.WithProtectedHeaders(kidHeader(kid))))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	oldToken, newToken := tokenBy(oldKey, "old"), tokenBy(newKey, "new")
	verifies := func(raw string) bool {
		_, err := v.Verify(context.Background(), raw)
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("Verify: %v", err)
		}
		return err == nil
	}
	if !verifies(oldToken) {
		t.Fatal("token of the published key refused")
	}

	// Rotation: the new key is published next to the old one.
	jwks.publish([]ed25519.PrivateKey{newKey, oldKey}, []string{"new", "old"})
	clk.Advance(31 * time.Second) // past the refetch interval
	if !verifies(newToken) || !verifies(oldToken) {
		t.Fatal("after the rotation both keys' tokens must verify")
	}

	// Withdrawal: the old key leaves the JWKS. Within its max-age (300 s)
	// the verifier may still use what it fetched; after, it must not.
	jwks.publish([]ed25519.PrivateKey{newKey}, []string{"new"})
	clk.Advance(301 * time.Second)
	if verifies(oldToken) {
		t.Error("token of a withdrawn key verified after the JWKS's max-age")
	}
	if !verifies(newToken) {
		t.Error("token of the current key refused")
	}

	// Garbage kids cannot make the verifier hammer the JWKS: at most one
	// fetch per interval, whatever the traffic.
	before := jwks.fetches.Load()
	stranger := newEd25519(t)
	for range 50 {
		verifies(tokenBy(stranger, "stranger"))
	}
	clk.Advance(31 * time.Second)
	for range 50 {
		verifies(tokenBy(stranger, "stranger"))
	}
	if got := jwks.fetches.Load() - before; got > 2 {
		t.Errorf("%d JWKS fetches for 100 unknown-kid tokens over two intervals, want at most 2", got)
	}
}

// TestRefreshFailureKeepsKeys: when the JWKS cannot be fetched after its
// max-age, the last good keys stay in use (no lock-out while auth is down),
// and attempts are spaced by the refetch interval.
func TestRefreshFailureKeepsKeys(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newEd25519(t)
	var down atomic.Bool
	var fetches atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetches.Add(1)
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		pub, _ := jwk.FromRaw(key.Public())
		_ = pub.Set(jwk.KeyIDKey, "k")
		_ = pub.Set(jwk.AlgorithmKey, jwa.EdDSA)
		set := jwk.NewSet()
		_ = set.AddKey(pub)
		w.Header().Set("Cache-Control", "max-age=60")
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(srv.Close)
	v, err := New(t.Context(), Config{Algorithm: "EdDSA", JWKSURL: srv.URL, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	tok := profile(func(b *jwt.Builder) *jwt.Builder { return b.Expiration(clk.Now().Add(time.Hour)) })
	raw, err := jwt.Sign(tok, jwt.WithKey(jwa.EdDSA, key, jws.WithProtectedHeaders(kidHeader("k"))))
	if err != nil {
		t.Fatal(err)
	}
	down.Store(true)
	clk.Advance(61 * time.Second)
	before := fetches.Load()
	for range 20 {
		if _, err := v.Verify(t.Context(), string(raw)); err != nil {
			t.Fatalf("Verify with the JWKS down after its max-age: %v", err)
		}
	}
	if got := fetches.Load() - before; got != 1 {
		t.Errorf("%d fetch attempts for 20 requests within one interval, want 1", got)
	}
	if err := v.Ping(t.Context()); err != nil {
		t.Errorf("Ping with last good keys: %v", err)
	}
}

// TestMaxAge: the JWKS's Cache-Control decides when to fetch it again,
// within [RefetchInterval, 15 min].
func TestMaxAge(t *testing.T) {
	t.Parallel()
	r := &remoteKeys{interval: 30 * time.Second}
	for cc, want := range map[string]time.Duration{
		"":                          defaultMaxAge,
		"public, max-age=300":       300 * time.Second,
		"max-age=5":                 30 * time.Second,
		"max-age=86400":             maxMaxAge,
		"max-age=99999999999999999": maxMaxAge,
		"no-store":                  30 * time.Second,
		"max-age=abc":               defaultMaxAge,
		"MAX-AGE=\"120\"":           120 * time.Second,
	} {
		h := http.Header{}
		if cc != "" {
			h.Set("Cache-Control", cc)
		}
		if got := r.maxAge(h); got != want {
			t.Errorf("Cache-Control %q: refresh after %s, want %s", cc, got, want)
		}
	}
}
