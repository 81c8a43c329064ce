package bearer_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"prana/shared/bearer"
	"prana/shared/jwtverify"
	"prana/shared/problem"
	"prana/testkit/tokenattack"
)

// TestAttackMatrix sends every request of the shared matrix through the
// Authenticator on a real verifier: 401 problem+json with the right Bearer
// challenge for each bad one, the claims for each good one.
func TestAttackMatrix(t *testing.T) {
	t.Parallel()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := jwk.FromRaw(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	_ = pub.Set(jwk.KeyIDKey, "k1")
	_ = pub.Set(jwk.AlgorithmKey, jwa.EdDSA)
	set := jwk.NewSet()
	_ = set.AddKey(pub)
	secret := []byte("example_secret_key_hex_string")
	user := tokenattack.Profile{ID: claims.UserID, Name: "Ann", Surname: "Lee", Email: claims.Email, DateOfBirth: "1990-02-28"}

	for name, c := range map[string]struct {
		cfg jwtverify.Config
		tg  tokenattack.Target
	}{
		"EdDSA": {
			jwtverify.Config{Algorithm: "EdDSA", Keys: set, Issuer: "prana-auth", Audience: "prana", Leeway: 30 * time.Second},
			tokenattack.Target{Algorithm: "EdDSA", Key: key, Kid: "k1", Issuer: "prana-auth", Audience: "prana"},
		},
		"HS256": {
			jwtverify.Config{Algorithm: "HS256", Secret: secret, Leeway: 30 * time.Second},
			tokenattack.Target{Algorithm: "HS256", Secret: secret},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v, err := jwtverify.New(t.Context(), c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			a := authenticator(t, spec, v)
			tg := c.tg
			tg.Leeway, tg.User, tg.Lure = 30*time.Second, user, tokenattack.NewLure(t)
			for _, tc := range tokenattack.Requests(t, tg) {
				authenticate(t, a, tc)
			}
			if n := tg.Lure.Hits(); n != 0 {
				t.Errorf("the lure was contacted %d times", n)
			}
		})
	}
}

func authenticate(t *testing.T, a *bearer.Authenticator, tc tokenattack.Case) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/me?"+tc.Query, nil)
	for _, h := range tc.Authorization {
		req.Header.Add("Authorization", h)
	}
	rec := httptest.NewRecorder()
	ctx, ok := a.Authenticate(req.Context(), rec, req)
	if tc.Accept {
		if c, found := bearer.ClaimsFrom(ctx); !ok || !found || c.UserID != claims.UserID {
			t.Errorf("%s: refused (%d %s), want accepted", tc.Name, rec.Code, rec.Body)
		}
		return
	}
	if ok || rec.Code != http.StatusUnauthorized {
		t.Errorf("%s: accepted=%v status %d, want 401", tc.Name, ok, rec.Code)
		return
	}
	if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
		t.Errorf("%s: Content-Type %q", tc.Name, ct)
	}
	var p problem.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != http.StatusUnauthorized {
		t.Errorf("%s: problem %s (%v)", tc.Name, rec.Body, err)
	}
	if got, ok := tokenattack.Challenge(rec.Header(), tc); !ok {
		t.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge naming %q", tc.Name, got, tc.Error)
	}
	for _, h := range tc.Authorization {
		if _, tok, _ := strings.Cut(h, " "); len(tok) > 8 && strings.Contains(rec.Body.String(), strings.TrimSpace(tok)) {
			t.Errorf("%s: the answer echoes the token", tc.Name)
		}
	}
}
