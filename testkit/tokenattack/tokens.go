package tokenattack

import (
	"crypto/ed25519"
	"encoding/base64"
	"iter"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// Tokens is the matrix of raw tokens: the good token (accepted) and every
// forgery, near miss and piece of garbage (each refused as invalid_token).
func Tokens(t testing.TB, tg Target) []Case {
	t.Helper()
	if tg.Now.IsZero() {
		tg.Now = time.Now()
	}
	var cs []Case
	add := func(name, token string, accept bool, why string) {
		c := Case{Name: name, Token: token, Accept: accept, Why: why}
		if !accept {
			c.Error = "invalid_token"
		}
		cs = append(cs, c)
	}
	good := tg.good(t)
	add("good token", good, true, "")

	for name, tok := range sorted(forgeries(t, tg, good)) {
		add(name, tok, false, "")
	}
	for name, tok := range sorted(timeCases(t, tg)) {
		add(name, tok, strings.HasSuffix(name, "within leeway"), "leeway tolerates clock skew, no more")
	}
	for name, tok := range sorted(claimCases(t, tg)) {
		add(name, tok, false, "")
	}
	for name, tok := range sorted(headerKeyCases(t, tg)) {
		add(name, tok, false, "jku, x5u and jwk headers are never fetched nor trusted (RFC 8725 §3.10)")
	}
	// A good signature with a jku header: the header is ignored, not obeyed.
	add("good token with a jku header", tg.goodWithHeader(t, "jku", tg.lureURL()+"/jwks.json"), true,
		"the header is ignored: the keys come from configuration only")
	for name, tok := range sorted(garbage(t, good)) {
		add(name, tok, false, "")
	}
	return cs
}

// forgeries are tokens whose signature does not come from the trusted key.
func forgeries(t testing.TB, tg Target, good string) map[string]string {
	t.Helper()
	k := keys()
	c := tg.claims(t)
	payload := tg.claims(t)
	m := map[string]string{
		"alg none":                  handmade(t, map[string]any{"alg": "none", "typ": "JWT", "kid": tg.Kid}, payload, ""),
		"alg None with a signature": handmade(t, map[string]any{"alg": "None", "kid": tg.Kid}, payload, strings.Split(good, ".")[2]),
		"RS256 with its own key":    sign(t, c, jwa.RS256, k.rsa, headers(t, "kid", tg.Kid)),
		"ES256 with its own key":    sign(t, c, jwa.ES256, k.ec, headers(t, "kid", tg.Kid)),
		"signature bit-flip":        flipBit(t, good),
		"signature removed":         strings.Join(strings.Split(good, ".")[:2], ".") + ".",
		"payload changed":           swapPayload(t, good, tg.claims(t, set("email", "mallory@example.com"))),
		"header changed":            swapHeader(t, good, map[string]any{"alg": algOf(tg), "kid": tg.Kid, "typ": "JWT", "x": 1}),
	}
	if tg.Algorithm == "HS256" {
		m["EdDSA when HS256 is configured"] = sign(t, c, jwa.EdDSA, k.ed, headers(t, "kid", attackerKid))
		m["HS256 with another secret"] = sign(t, c, jwa.HS256, []byte("not-the-secret-0123456789abcdef"), nil)
		m["HS384 with the secret"] = sign(t, c, jwa.HS384, tg.Secret, nil)
		m["HS512 with the secret"] = sign(t, c, jwa.HS512, tg.Secret, nil)
		return m
	}
	m["HS256 when EdDSA is configured"] = sign(t, c, jwa.HS256, []byte("a-secret-of-the-attackers-0123456"), headers(t, "kid", tg.Kid))
	for form, secret := range publicKeyEncodings(t, tg.Key.Public().(ed25519.PublicKey)) {
		m["HS256 keyed with the public key ("+form+")"] = sign(t, c, jwa.HS256, secret, headers(t, "kid", tg.Kid))
	}
	m["another Ed25519 key, same kid"] = sign(t, c, jwa.EdDSA, k.ed, headers(t, "kid", tg.Kid))
	m["trusted key, unknown kid"] = sign(t, c, jwa.EdDSA, tg.Key, headers(t, "kid", "no-such-kid"))
	m["trusted key, no kid"] = sign(t, c, jwa.EdDSA, tg.Key, nil)
	return m
}

// timeCases date the good token around the edges of the leeway.
func timeCases(t testing.TB, tg Target) map[string]string {
	t.Helper()
	now, half, beyond := tg.Now, tg.Leeway/2, tg.Leeway+time.Minute
	return map[string]string{
		"expired":                 tg.good(t, set(jwt.IssuedAtKey, now.Add(-2*time.Hour)), set(jwt.ExpirationKey, now.Add(-time.Hour))),
		"expired beyond leeway":   tg.good(t, set(jwt.IssuedAtKey, now.Add(-time.Hour)), set(jwt.ExpirationKey, now.Add(-beyond))),
		"expired within leeway":   tg.good(t, set(jwt.IssuedAtKey, now.Add(-time.Hour)), set(jwt.ExpirationKey, now.Add(-half))),
		"nbf beyond leeway":       tg.good(t, set(jwt.NotBeforeKey, now.Add(beyond))),
		"nbf within leeway":       tg.good(t, set(jwt.NotBeforeKey, now.Add(half))),
		"iat beyond leeway":       tg.good(t, set(jwt.IssuedAtKey, now.Add(beyond))),
		"iat within leeway":       tg.good(t, set(jwt.IssuedAtKey, now.Add(half))),
		"nbf in the far future":   tg.good(t, set(jwt.NotBeforeKey, now.Add(24*time.Hour))),
		"exp at the epoch":        tg.good(t, set(jwt.ExpirationKey, time.Unix(0, 0))),
		"issued for a year ahead": tg.good(t, set(jwt.IssuedAtKey, now.Add(365*24*time.Hour)), set(jwt.ExpirationKey, now.Add(366*24*time.Hour))),
	}
}

// claimCases are well-signed tokens whose claims are wrong or missing.
func claimCases(t testing.TB, tg Target) map[string]string {
	t.Helper()
	m := map[string]string{
		"missing exp":               tg.good(t, remove(jwt.ExpirationKey)),
		"missing id":                tg.good(t, remove("id")),
		"id not a UUID":             tg.good(t, set("id", "42"), set(jwt.SubjectKey, "42")),
		"id a number":               tg.good(t, set("id", 42)),
		"sub differs from id":       tg.good(t, set(jwt.SubjectKey, otherUUID(tg.User.ID))),
		"missing name":              tg.good(t, remove("name")),
		"empty name":                tg.good(t, set("name", "")),
		"name a number":             tg.good(t, set("name", 7)),
		"missing surname":           tg.good(t, remove("surname")),
		"surname an object":         tg.good(t, set("surname", map[string]any{"x": 1})),
		"missing email":             tg.good(t, remove("email")),
		"email a list":              tg.good(t, set("email", []string{tg.User.Email})),
		"missing date_of_birth":     tg.good(t, remove("date_of_birth")),
		"date_of_birth impossible":  tg.good(t, set("date_of_birth", "1990-02-30")),
		"date_of_birth other order": tg.good(t, set("date_of_birth", "28.02.1990")),
		"date_of_birth with a time": tg.good(t, set("date_of_birth", "1990-02-28T00:00:00Z")),
	}
	if tg.Issuer != "" {
		m["wrong iss"] = tg.good(t, set(jwt.IssuerKey, "someone-else"))
		m["missing iss"] = tg.good(t, remove(jwt.IssuerKey))
	}
	if tg.Audience != "" {
		m["wrong aud"] = tg.good(t, set(jwt.AudienceKey, []string{"another-service"}))
		m["missing aud"] = tg.good(t, remove(jwt.AudienceKey))
	}
	return m
}

// headerKeyCases sign with the attacker's key and say in the header where
// to find it: a verifier that looks there is fooled.
func headerKeyCases(t testing.TB, tg Target) map[string]string {
	t.Helper()
	c, ed, lure := tg.claims(t), keys().ed, tg.lureURL()
	return map[string]string{
		"jku to the attacker's JWKS":   sign(t, c, jwa.EdDSA, ed, headers(t, "kid", attackerKid, "jku", lure+"/jwks.json")),
		"x5u to the attacker's cert":   sign(t, c, jwa.EdDSA, ed, headers(t, "kid", attackerKid, "x5u", lure+"/cert.pem")),
		"embedded jwk of the attacker": sign(t, c, jwa.EdDSA, ed, headers(t, "kid", attackerKid, "jwk", attackerJWK(t))),
		"embedded jwk, trusted kid":    sign(t, c, jwa.EdDSA, ed, headers(t, "kid", tg.Kid, "jwk", attackerJWK(t))),
	}
}

// garbage is what no verifier should even try to decode.
func garbage(t testing.TB, good string) map[string]string {
	t.Helper()
	parts := strings.Split(good, ".")
	return map[string]string{
		"empty":                     "",
		"one word":                  "token",
		"not base64":                "!!!.???.***",
		"three dots":                "a.b.c.d",
		"empty parts":               "..",
		"five parts (JWE shape)":    good + ".x.y",
		"padded base64":             parts[0] + "=." + parts[1] + "." + parts[2],
		"standard base64 (+ and /)": parts[0] + "." + parts[1] + ".+/" + parts[2][2:],
		"JSON serialization":        `{"payload":"` + parts[1] + `","protected":"` + parts[0] + `","signature":"` + parts[2] + `"}`,
		"a 100 KB token":            parts[0] + "." + strings.Repeat("A", 100<<10) + "." + parts[2],
		"header not JSON":           b64([]byte("not json")) + "." + parts[1] + "." + parts[2],
		"payload not JSON":          parts[0] + "." + b64([]byte("[1,2,3]")) + "." + parts[2],
		"non-ASCII":                 "Бearer.токен.ї",
		"NUL bytes":                 parts[0] + "\x00." + parts[1] + "." + parts[2],
		"base64 of the token":       base64.RawURLEncoding.EncodeToString([]byte(good)),
	}
}

// sorted yields m's entries in name order, so runs list cases alike.
func sorted(m map[string]string) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

func (tg Target) goodWithHeader(t testing.TB, name string, v any) string {
	t.Helper()
	if tg.Algorithm == "HS256" {
		return sign(t, tg.claims(t), jwa.HS256, tg.Secret, headers(t, name, v))
	}
	return sign(t, tg.claims(t), jwa.EdDSA, tg.Key, headers(t, "kid", tg.Kid, name, v))
}

func (tg Target) lureURL() string {
	if tg.Lure == nil {
		return "http://127.0.0.1:9/unused"
	}
	return tg.Lure.URL
}

// otherUUID is a well-formed UUID that is not id.
func otherUUID(id string) string {
	if id == "0f8fad5b-d9cb-469f-a165-70867728950e" {
		return "7c9e6679-7425-40de-944b-e07fc1f90ae7"
	}
	return "0f8fad5b-d9cb-469f-a165-70867728950e"
}

func algOf(tg Target) string {
	if tg.Algorithm == "HS256" {
		return "HS256"
	}
	return "EdDSA"
}
