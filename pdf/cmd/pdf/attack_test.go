package main

import (
	"crypto/ed25519"
	"net/http"
	"strings"
	"testing"
	"time"

	"prana/testkit/tokenattack"
)

// The token attack matrix (testkit/tokenattack) through the real wiring of
// the pdf service, in both of its token modes, on GET /api/pdf/download.
// Every answer also passes the spec check of the validating transport.

func TestAttackMatrixEdDSA(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure)
	var key ed25519.PrivateKey
	if err := iss.priv.Raw(&key); err != nil {
		t.Fatal(err)
	}
	s.runMatrix(t, tokenattack.Target{
		Algorithm: "EdDSA", Key: key, Kid: iss.kid, Issuer: "prana-auth", Audience: "prana",
	})
}

func TestAttackMatrixHS256(t *testing.T) {
	t.Parallel()
	const secret = "seed-mode-secret-of-this-test-0123456789"
	s := newService(t, hs256(secret))
	s.runMatrix(t, tokenattack.Target{Algorithm: "HS256", Secret: []byte(secret)})
}

// runMatrix sends every request of the matrix for a fresh user; the
// service's verifier allows 30 s of clock skew.
func (s *service) runMatrix(t *testing.T, tg tokenattack.Target) {
	t.Helper()
	u := newUser()
	tg.Now, tg.Leeway, tg.Lure = time.Now(), 30*time.Second, tokenattack.NewLure(t)
	tg.User = tokenattack.Profile{ID: u.ID, Name: u.Name, Surname: u.Surname, Email: u.Email, DateOfBirth: u.DateOfBirth}
	for _, c := range tokenattack.Requests(t, tg) {
		resp, body := s.do(t, http.MethodGet, "/api/pdf/download?"+c.Query, http.Header{"Authorization": c.Authorization})
		checkMatrixAnswer(t, c, resp, body)
	}
	if n := tg.Lure.Hits(); n != 0 {
		t.Errorf("the service contacted the URL of a jku/x5u header %d times", n)
	}
	tokenattack.CheckHeaderLimit(t, s.base+"/api/pdf/download")
}

// checkMatrixAnswer: a 200 PDF for an accepted case; otherwise a 401
// problem with the Bearer challenge the case names. Never a 5xx.
func checkMatrixAnswer(t *testing.T, c tokenattack.Case, resp *http.Response, body []byte) {
	t.Helper()
	if c.Accept {
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "%PDF-") {
			t.Errorf("%s: status %d, want 200 and a PDF; body %.200s", c.Name, resp.StatusCode, body)
		}
		return
	}
	tokenattack.CheckRefusal(t, c, resp, body)
}
