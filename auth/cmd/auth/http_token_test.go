package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"prana/auth/authclient"
	"prana/auth/internal/config"
	"prana/shared/jwtverify"
)

// decodeJWT returns a token's header and claims without verifying it.
func decodeJWT(t *testing.T, token string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts, want 3", len(parts))
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("token part %d: %v", i, err)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatalf("token part %d: %v", i, err)
		}
	}
	return header, claims
}

// jwks fetches the key set and checks what every answer must hold.
func jwks(t *testing.T, s *service) []authclient.JWKS_Keys_Item {
	t.Helper()
	resp, err := s.client.GetJWKSWithResponse(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusOK || resp.JSON200 == nil {
		t.Fatalf("jwks: status %d, body %s", resp.StatusCode(), resp.Body)
	}
	if cc := resp.HTTPResponse.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
		t.Errorf("jwks Cache-Control %q, want a max-age", cc)
	}
	for _, private := range []string{`"d"`, `"p"`, `"q"`, `"k"`} {
		if strings.Contains(string(resp.Body), private) {
			t.Errorf("jwks holds private key material %s: %s", private, resp.Body)
		}
	}
	for _, k := range resp.JSON200.Keys {
		if k.Kid == "" || k.Alg == nil || *k.Alg != "EdDSA" || k.Kty != "OKP" || k.Crv == nil || *k.Crv != "Ed25519" {
			t.Errorf("jwks key %+v: want kid, alg EdDSA, an Ed25519 OKP key", k)
		}
	}
	return resp.JSON200.Keys
}

func TestTokenClaimsAndJWKS(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) { c.AccessTokenMinutes = 30 })
	req := validSignup(uniqueEmail("claims"))
	req.Name, req.Surname = "Іван", "Петренко"
	u := s.mustSignup(t, req)
	token := s.mustLogin(t, req.Email, req.Password)

	header, c := decodeJWT(t, token)
	keys := jwks(t, s)
	if len(keys) != 1 || header["alg"] != "EdDSA" || header["kid"] != keys[0].Kid {
		t.Errorf("token header %v, jwks %+v: want alg EdDSA and the published kid", header, keys)
	}
	want := map[string]any{
		"iss": "prana-auth", "sub": u.Id.String(), "id": u.Id.String(), "name": "Іван", "surname": "Петренко",
		"email": req.Email, "date_of_birth": "1990-02-28",
	}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("claim %s = %v, want %v", k, c[k], v)
		}
	}
	if aud := c["aud"]; aud != "prana" && !(isList(aud) && len(aud.([]any)) == 1 && aud.([]any)[0] == "prana") {
		t.Errorf("claim aud = %v, want prana", aud)
	}
	iat, _ := c["iat"].(float64)
	exp, _ := c["exp"].(float64)
	if d := time.Since(time.Unix(int64(iat), 0)); d < -time.Minute || d > time.Minute {
		t.Errorf("iat %v is not about now", iat)
	}
	if exp-iat != 30*60 {
		t.Errorf("exp - iat = %v s, want %d (ACCESS_TOKEN_EXPIRE_MINUTES)", exp-iat, 30*60)
	}
	if jti, _ := c["jti"].(string); len(jti) < 16 {
		t.Errorf("jti %v: want a random id", c["jti"])
	}

	// A verifier elsewhere (the pdf service) accepts it with the JWKS alone.
	v, err := jwtverify.New(t.Context(), jwtverify.Config{
		Algorithm: "EdDSA", JWKSURL: s.base + "/.well-known/jwks.json", Issuer: "prana-auth", Audience: "prana",
	})
	if err != nil {
		t.Fatalf("verifier on the published JWKS: %v", err)
	}
	got, err := v.Verify(t.Context(), token)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if got.UserID != u.Id.String() || got.Name != "Іван" || got.Email != req.Email || got.DateOfBirth.Format("2006-01-02") != "1990-02-28" {
		t.Errorf("verified claims %+v do not match the user %+v", got, u)
	}
	other, err := jwtverify.New(t.Context(), jwtverify.Config{
		Algorithm: "EdDSA", JWKSURL: s.base + "/.well-known/jwks.json", Issuer: "prana-auth", Audience: "someone-else",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Verify(t.Context(), token); err == nil {
		t.Error("a verifier for another audience accepted the token")
	}
}

func isList(v any) bool { _, ok := v.([]any); return ok }

// TestHS256Mode: with the seed's ALGORITHM=HS256 and SECRET_KEY, tokens are
// HS256 without aud or iss (what the seed's pdf service expects).
func TestHS256Mode(t *testing.T) {
	t.Parallel()
	const secret = "seed-" + secretMarker + "-secret-0123456789abcdef"
	s := newService(t, func(c *config.Config) {
		c.Algorithm, c.SecretKey, c.Issuer, c.Audience = "HS256", secret, "", ""
	})
	req := validSignup(uniqueEmail("hs256"))
	u := s.mustSignup(t, req)
	token := s.mustLogin(t, req.Email, req.Password)

	header, c := decodeJWT(t, token)
	if header["alg"] != "HS256" {
		t.Errorf("alg %v, want HS256", header["alg"])
	}
	for _, absent := range []string{"aud", "iss"} {
		if _, ok := c[absent]; ok {
			t.Errorf("HS256 token carries %s = %v; the seed's tokens have none", absent, c[absent])
		}
	}
	for _, present := range []string{"exp", "id", "name", "surname", "email", "date_of_birth"} {
		if _, ok := c[present]; !ok {
			t.Errorf("HS256 token lacks %s", present)
		}
	}
	if _, err := jwt.ParseString(token, jwt.WithKey(jwa.HS256, []byte(secret)), jwt.WithValidate(true)); err != nil {
		t.Errorf("token does not verify with the secret: %v", err)
	}
	v, err := jwtverify.New(t.Context(), jwtverify.Config{Algorithm: "HS256", Secret: []byte(secret)})
	if err != nil {
		t.Fatal(err)
	}
	if claims, err := v.Verify(t.Context(), token); err != nil || claims.UserID != u.Id.String() {
		t.Errorf("jwtverify HS256: %+v, %v", claims, err)
	}
	if me := s.me(t, "Bearer "+token); me.JSON200 == nil || me.JSON200.Id != u.Id {
		t.Errorf("/me with an HS256 token: status %d, body %s", me.StatusCode(), me.Body)
	}
	if keys := jwks(t, s); len(keys) != 0 {
		t.Errorf("HS256 mode publishes %d keys, want none (the secret is not public)", len(keys))
	}
	forged, err := jwt.Sign(jwtWithClaims(t, c), jwt.WithKey(jwa.HS256, []byte("another-secret-0123456789")))
	if err != nil {
		t.Fatal(err)
	}
	resp := s.me(t, "Bearer "+string(forged))
	problemOf(t, http.StatusUnauthorized, resp.HTTPResponse, resp.Body)
}

// jwtWithClaims builds an unsigned token holding claims.
func jwtWithClaims(t *testing.T, claims map[string]any) jwt.Token {
	t.Helper()
	tok := jwt.New()
	for k, v := range claims {
		if k == "exp" || k == "iat" {
			v = time.Unix(int64(v.(float64)), 0)
		}
		if err := tok.Set(k, v); err != nil {
			t.Fatalf("claim %s: %v", k, err)
		}
	}
	return tok
}
