package tokenattack

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// attackerKid is the kid of the attacker's own Ed25519 key.
const attackerKid = "attacker"

// keys are the attacker's, made once per process (RSA is slow to generate).
var keys = sync.OnceValue(func() (k struct {
	ed  ed25519.PrivateKey
	rsa *rsa.PrivateKey
	ec  *ecdsa.PrivateKey
}) {
	var err error
	if _, k.ed, err = ed25519.GenerateKey(rand.Reader); err != nil {
		panic(err)
	}
	if k.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	if k.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		panic(err)
	}
	return k
})

// attackerJWK is the public half of the attacker's Ed25519 key as a JWK.
func attackerJWK(t testing.TB) jwk.Key {
	t.Helper()
	k, err := jwk.FromRaw(keys().ed.Public())
	if err != nil {
		t.Fatal(err)
	}
	must(t, k.Set(jwk.KeyIDKey, attackerKid))
	must(t, k.Set(jwk.AlgorithmKey, jwa.EdDSA))
	return k
}

// attackerJWKS is a JWKS holding the attacker's public key.
func attackerJWKS(t testing.TB) []byte {
	t.Helper()
	set := jwk.NewSet()
	must(t, set.AddKey(attackerJWK(t)))
	doc, err := json.Marshal(set)
	must(t, err)
	return doc
}

// claims is the good token's claim set; edit adjusts it.
func (tg Target) claims(t testing.TB, edit ...func(jwt.Token)) jwt.Token {
	t.Helper()
	u := tg.User
	b := jwt.NewBuilder().Subject(u.ID).
		IssuedAt(tg.Now).Expiration(tg.Now.Add(time.Hour)).
		Claim("id", u.ID).Claim("name", u.Name).Claim("surname", u.Surname).
		Claim("email", u.Email).Claim("date_of_birth", u.DateOfBirth)
	if tg.Issuer != "" {
		b = b.Issuer(tg.Issuer)
	}
	if tg.Audience != "" {
		b = b.Audience([]string{tg.Audience})
	}
	tok, err := b.Build()
	must(t, err)
	for _, e := range edit {
		e(tok)
	}
	return tok
}

// good signs claims the way the trusted issuer does.
func (tg Target) good(t testing.TB, edit ...func(jwt.Token)) string {
	t.Helper()
	if tg.Algorithm == "HS256" {
		return sign(t, tg.claims(t, edit...), jwa.HS256, tg.Secret, nil)
	}
	return sign(t, tg.claims(t, edit...), jwa.EdDSA, tg.Key, headers(t, "kid", tg.Kid))
}

// sign signs tok with alg and key, adding the given protected headers.
func sign(t testing.TB, tok jwt.Token, alg jwa.SignatureAlgorithm, key any, h jws.Headers) string {
	t.Helper()
	var opts []jwt.Option
	if h != nil {
		opts = append(opts, jws.WithProtectedHeaders(h))
	}
	out, err := jwt.Sign(tok, jwt.WithKey(alg, key, opts...))
	must(t, err)
	return string(out)
}

// headers builds protected headers from name, value pairs.
func headers(t testing.TB, kv ...any) jws.Headers {
	t.Helper()
	h := jws.NewHeaders()
	for i := 0; i < len(kv); i += 2 {
		must(t, h.Set(kv[i].(string), kv[i+1]))
	}
	return h
}

// SetClaim is a claim edit that sets name to v.
func SetClaim(name string, v any) func(jwt.Token) {
	return func(tok jwt.Token) {
		if err := tok.Set(name, v); err != nil {
			panic(err)
		}
	}
}

// RemoveClaim is a claim edit that drops name.
func RemoveClaim(name string) func(jwt.Token) {
	return func(tok jwt.Token) {
		if err := tok.Remove(name); err != nil {
			panic(err)
		}
	}
}

// set and remove are the short names the attack catalogue uses.
var set, remove = SetClaim, RemoveClaim

// handmade assembles a token from a header and payload of our choosing
// and a signature part, bypassing any library's checks.
func handmade(t testing.TB, header map[string]any, payload any, signature string) string {
	t.Helper()
	h, err := json.Marshal(header)
	must(t, err)
	p, err := json.Marshal(payload)
	must(t, err)
	return b64(h) + "." + b64(p) + "." + signature
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// publicKeyEncodings are the forms an attacker might feed HMAC as "the
// secret" in an algorithm-confusion attack: the raw Ed25519 public key,
// its PEM, its JWK JSON and the JWK's "x" member.
func publicKeyEncodings(t testing.TB, pub ed25519.PublicKey) map[string][]byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	must(t, err)
	k, err := jwk.FromRaw(pub)
	must(t, err)
	asJWK, err := json.Marshal(k)
	must(t, err)
	return map[string][]byte{
		"raw":   pub,
		"PEM":   pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}),
		"JWK":   asJWK,
		"JWK x": []byte(b64(pub)),
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func decode(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
