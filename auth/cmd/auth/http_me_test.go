package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"prana/auth/authclient"
	"prana/auth/internal/adapters/jwtissuer"
	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/app"
	"prana/auth/internal/config"
	"prana/auth/internal/domain"
	"prana/testkit/pgtest"
)

// signAs issues a token for u the way the service does, but with key and
// ttl of the test's choosing.
func signAs(t *testing.T, key ed25519.PrivateKey, ttl time.Duration, u authclient.User) string {
	t.Helper()
	is, err := jwtissuer.New(jwtissuer.Config{
		Algorithm: "EdDSA", Keys: fixedKey{app.NewSigningKey(key, app.OriginFile)},
		Issuer: "prana-auth", Audience: "prana", TTL: ttl,
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := is.Issue(context.Background(), domain.User{
		ID: u.Id.String(), Name: u.Name, Surname: u.Surname, Email: u.Email, DateOfBirth: u.DateOfBirth.Time,
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// fixedKey is a key source of one key.
type fixedKey struct{ k app.SigningKey }

func (f fixedKey) Signer() (app.SigningKey, error) { return f.k, nil }
func (f fixedKey) Published() []app.SigningKey     { return []app.SigningKey{f.k} }

// serviceKey is the signing key the service keeps in its database.
func serviceKey(t *testing.T, s *service) ed25519.PrivateKey {
	t.Helper()
	for _, k := range storedKeys(t, s.cfg.DatabaseURL) {
		if k.State(time.Now()) == app.KeyActive {
			return k.Private
		}
	}
	t.Fatal("the service has no active key")
	return nil
}

// storedKeys reads the signing keys from the database (unsealed ones only).
func storedKeys(t *testing.T, dbURL string) []app.SigningKey {
	t.Helper()
	pool, err := pgxpool.New(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	keys, err := postgres.NewKeyStore(pool, nil).SigningKeys(t.Context())
	if err != nil {
		t.Fatalf("stored keys: %v", err)
	}
	return keys
}

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestMe(t *testing.T) {
	t.Parallel()
	s := newService(t)
	req := validSignup(uniqueEmail("me"))
	u := s.mustSignup(t, req)
	token := s.mustLogin(t, req.Email, req.Password)

	ok := s.me(t, "Bearer "+token)
	if ok.JSON200 == nil || !sameUser(*ok.JSON200, u) {
		t.Fatalf("/me: status %d, body %s, want %+v", ok.StatusCode(), ok.Body, u)
	}
	checkUserBody(t, ok.Body)
	if lower := s.me(t, "bearer "+token); lower.StatusCode() != http.StatusOK {
		t.Errorf("lower-case scheme: status %d, want 200", lower.StatusCode())
	}

	alg := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	_, claims, _ := strings.Cut(token, ".")
	claims, _, _ = strings.Cut(claims, ".")
	cases := []struct {
		desc, authorization, detail string
	}{
		{"no header", "", "Missing or invalid Authorization header"},
		{"basic", "Basic dXNlcjpwYXNz", "Missing or invalid Authorization header"},
		{"scheme only", "Bearer", "Missing or invalid Authorization header"},
		{"garbage", "Bearer not.a.token", "Invalid token"},
		{"alg none", "Bearer " + alg + "." + claims + ".", "Invalid token"},
		{"tampered", "Bearer " + token[:len(token)-4] + "AAAA", "Invalid token"},
		{"expired", "Bearer " + signAs(t, serviceKey(t, s), -time.Hour, u), "Token has expired"},
		{"another key", "Bearer " + signAs(t, newKey(t), time.Hour, u), "Invalid token"},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			t.Parallel()
			resp := s.me(t, c.authorization)
			p := problemOf(t, http.StatusUnauthorized, resp.HTTPResponse, resp.Body)
			if p.Detail != c.detail {
				t.Errorf("detail %q, want %q", p.Detail, c.detail)
			}
			if wa := resp.HTTPResponse.Header.Get("WWW-Authenticate"); !strings.HasPrefix(wa, "Bearer ") {
				t.Errorf("WWW-Authenticate %q, want a Bearer challenge", wa)
			}
		})
	}
}

// TestMeForADeletedUser: a valid token whose user is gone is a 401, not a
// 500 or someone else's profile.
func TestMeForADeletedUser(t *testing.T) {
	t.Parallel()
	s := newService(t)
	req := validSignup(uniqueEmail("gone"))
	u := s.mustSignup(t, req)
	token := s.mustLogin(t, req.Email, req.Password)
	conn, err := pgx.Connect(t.Context(), s.cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), "DELETE FROM users WHERE id = $1", u.Id); err != nil {
		t.Fatal(err)
	}
	resp := s.me(t, "Bearer "+token)
	problemOf(t, http.StatusUnauthorized, resp.HTTPResponse, resp.Body)
}

// TestSigningKeyPersistsAcrossRestarts: the generated key is kept in the
// database, not on the replica's disk, so a restart (or another replica)
// publishes the same kid and old tokens verify.
func TestSigningKeyPersistsAcrossRestarts(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, pgtest.NewDatabase(t))
	first := startService(t, cfg)
	req := validSignup(uniqueEmail("restart"))
	u := first.mustSignup(t, req)
	token := first.mustLogin(t, req.Email, req.Password)
	kid := jwks(t, first)[0].Kid
	if err := first.stop(); err != nil {
		t.Fatalf("first run: %v", err)
	}
	keyFile := filepath.Join(cfg.DataDir, "auth", "jwt-ed25519.pem")
	if _, err := os.Stat(keyFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("key file %s: %v; want no key on the replica's disk", keyFile, err)
	}
	cfg.DataDir = t.TempDir() // another replica: its own, empty disk

	second := startService(t, cfg)
	if keys := jwks(t, second); len(keys) != 1 || keys[0].Kid != kid {
		t.Errorf("after restart the JWKS is %+v, want kid %s", keys, kid)
	}
	if me := second.me(t, "Bearer "+token); me.JSON200 == nil || me.JSON200.Id != u.Id {
		t.Errorf("token from the first run: status %d, body %s", me.StatusCode(), me.Body)
	}
}

// TestPreviousKeysArePublished: after a rotation the old public key stays
// in the JWKS (JWT_PREVIOUS_PUBLIC_KEY_FILES), so its tokens still verify.
func TestPreviousKeysArePublished(t *testing.T) {
	t.Parallel()
	prev := newKey(t)
	der, err := x509.MarshalPKIXPublicKey(prev.Public())
	if err != nil {
		t.Fatal(err)
	}
	pubFile := filepath.Join(t.TempDir(), "previous.pem")
	if err := os.WriteFile(pubFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	s := newService(t, func(c *config.Config) { c.PreviousKeyFiles = []string{pubFile} })
	req := validSignup(uniqueEmail("rotate"))
	u := s.mustSignup(t, req)
	current, _ := decodeJWT(t, s.mustLogin(t, req.Email, req.Password))
	old := signAs(t, prev, time.Hour, u)
	oldHeader, _ := decodeJWT(t, old)

	keys := jwks(t, s)
	kids := map[string]bool{}
	for _, k := range keys {
		kids[k.Kid] = true
	}
	if len(keys) != 2 || !kids[current["kid"].(string)] || !kids[oldHeader["kid"].(string)] {
		t.Errorf("jwks kids %v, want the current %v and the previous %v", kids, current["kid"], oldHeader["kid"])
	}
	if me := s.me(t, "Bearer "+old); me.JSON200 == nil || me.JSON200.Id != u.Id {
		t.Errorf("token signed with the previous key: status %d, body %s", me.StatusCode(), me.Body)
	}
}
