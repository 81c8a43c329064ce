package main

import (
	"crypto/ed25519"
	"net/http"
	"strings"
	"testing"
	"time"

	"prana/shared/specvalidate"
	"prana/shared/tokenattack"
)

// The token attack matrix (shared/tokenattack) through the real wiring of
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
	const secret = "example_secret_key_hex_string"
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
	s.checkHeaderLimit(t)
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
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("%s: status %d, want 401; body %.200s", c.Name, resp.StatusCode, body)
		return
	}
	if err := specvalidate.CheckProblem(resp, body); err != nil {
		t.Errorf("%s: %v", c.Name, err)
	}
	if got, ok := tokenattack.Challenge(resp.Header, c); !ok {
		t.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge naming %q", c.Name, got, c.Error)
	}
}

// checkHeaderLimit: a 100 KB token is over the server's 64 KB header limit,
// so net/http refuses the request (431) before any handler sees it — the
// one refusal of the matrix that is not a problem document, by design: a
// header of any size would otherwise have to be read into memory.
func (s *service) checkHeaderLimit(t *testing.T) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.base+"/api/pdf/download", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+strings.Repeat("A", 100<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("100 KB token: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KB token: status %d, want 431", resp.StatusCode)
	}
}
