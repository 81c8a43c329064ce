package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"prana/auth/internal/config"
	"prana/testkit/pgtest"
	"prana/testkit/tokenattack"
)

// The token attack matrix (testkit/tokenattack) through the real wiring of
// the auth service, in both of its token modes, on GET /api/auth/me. Every
// answer also passes the spec check of the validating transport.

func TestAttackMatrixEdDSA(t *testing.T) {
	t.Parallel()
	s := newService(t)
	s.runMatrix(t, tokenattack.Target{
		Algorithm: "EdDSA", Key: serviceKey(t, s), Kid: jwks(t, s)[0].Kid, Issuer: "prana-auth", Audience: "prana",
	})
}

func TestAttackMatrixHS256(t *testing.T) {
	t.Parallel()
	const secret = "seed-matrix-secret-0123456789abcdef"
	s := newService(t, func(c *config.Config) {
		c.Algorithm, c.SecretKey, c.Issuer, c.Audience = "HS256", secret, "", ""
	})
	s.runMatrix(t, tokenattack.Target{Algorithm: "HS256", Secret: []byte(secret)})
}

// runMatrix signs a user up and sends every request of the matrix on its
// behalf; the service's verifier allows 30 s of clock skew.
func (s *service) runMatrix(t *testing.T, tg tokenattack.Target) {
	t.Helper()
	u := s.mustSignup(t, validSignup(uniqueEmail("matrix")))
	tg.Now, tg.Leeway, tg.Lure = time.Now(), 30*time.Second, tokenattack.NewLure(t)
	tg.User = tokenattack.Profile{
		ID: u.Id.String(), Name: u.Name, Surname: u.Surname, Email: u.Email, DateOfBirth: u.DateOfBirth.String(),
	}
	for _, c := range tokenattack.Requests(t, tg) {
		resp, body := s.do(t, http.MethodGet, "/api/auth/me?"+c.Query, "", nil, http.Header{"Authorization": c.Authorization})
		checkMatrixAnswer(t, c, u.Id.String(), resp, body)
	}
	if n := tg.Lure.Hits(); n != 0 {
		t.Errorf("the service contacted the URL of a jku/x5u header %d times", n)
	}
	tokenattack.CheckHeaderLimit(t, s.base+"/api/auth/me")
}

// checkMatrixAnswer: the user's profile for an accepted case; otherwise a
// 401 problem with the Bearer challenge the case names. Never a 5xx.
func checkMatrixAnswer(t *testing.T, c tokenattack.Case, id string, resp *http.Response, body []byte) {
	t.Helper()
	if c.Accept {
		var me struct{ ID string }
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &me) != nil || me.ID != id {
			t.Errorf("%s: status %d, want 200 and the user's profile; body %.200s", c.Name, resp.StatusCode, body)
		}
		return
	}
	tokenattack.CheckRefusal(t, c, resp, body)
}

// TestWithdrawnKeyStopsVerifying: a token signed with a previous key
// verifies while that key is published (JWT_PREVIOUS_PUBLIC_KEY_FILES) and
// is refused once the key is withdrawn from the configuration.
func TestWithdrawnKeyStopsVerifying(t *testing.T) {
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
	cfg := testConfig(t, pgtest.NewDatabase(t))
	cfg.PreviousKeyFiles = []string{pubFile}
	first := startService(t, cfg)
	u := first.mustSignup(t, validSignup(uniqueEmail("withdrawn")))
	old := signAs(t, prev, time.Hour, u)
	if me := first.me(t, "Bearer "+old); me.StatusCode() != http.StatusOK {
		t.Fatalf("token of a published previous key: status %d, body %s", me.StatusCode(), me.Body)
	}
	if err := first.stop(); err != nil {
		t.Fatalf("first run: %v", err)
	}

	cfg.PreviousKeyFiles = nil
	second := startService(t, cfg)
	me := second.me(t, "Bearer "+old)
	p := problemOf(t, http.StatusUnauthorized, me.HTTPResponse, me.Body)
	if p.Detail != "Invalid token" {
		t.Errorf("detail %q, want Invalid token", p.Detail)
	}
	if current := second.mustLogin(t, u.Email, testPassword); second.me(t, "Bearer "+current).StatusCode() != http.StatusOK {
		t.Error("the current key's token is refused")
	}
}
