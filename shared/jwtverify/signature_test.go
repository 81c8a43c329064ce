package jwtverify

import (
	"errors"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"prana/testkit/tokenattack"
)

// TestSignatureCheckAgreesWithJWX: over every token of the attack matrix,
// the standard-library check accepts a signature exactly when jwx's
// verification with the options the verifier used to give it does, so
// handing jwx only the claims changes no verdict.
func TestSignatureCheckAgreesWithJWX(t *testing.T) {
	t.Parallel()
	key := newEd25519(t)
	pub, _ := jwk.FromRaw(key.Public())
	_ = pub.Set(jwk.KeyIDKey, "k1")
	_ = pub.Set(jwk.AlgorithmKey, jwa.EdDSA)
	set := jwk.NewSet()
	_ = set.AddKey(pub)
	secret := []byte("example_secret_key_hex_string")
	now := time.Now()
	targets := map[string]struct {
		tg  tokenattack.Target
		opt jws.VerifyOption
	}{
		"EdDSA": {
			tokenattack.Target{Algorithm: "EdDSA", Key: key, Kid: "k1", User: attackUser, Now: now},
			jws.WithKeySet(set, jws.WithRequireKid(true), jws.WithInferAlgorithmFromKey(false)),
		},
		"HS256": {tokenattack.Target{Algorithm: "HS256", Secret: secret, User: attackUser, Now: now}, jws.WithKey(jwa.HS256, secret)},
	}
	for name, target := range targets {
		check := newSignatureCheck(name, secret)
		for _, c := range tokenattack.Tokens(t, target.tg) {
			if checkCompact(c.Token) != nil {
				continue // refused before any signature check, as before
			}
			_, jwxErr := jws.Verify([]byte(c.Token), target.opt)
			if err := check.check(c.Token, set); (err == nil) != (jwxErr == nil) {
				t.Errorf("%s, %s: stdlib check says %v, jwx says %v", name, c.Name, err, jwxErr)
			}
		}
	}
}

// TestPreparedKeys: the keys an EdDSA signature is checked with follow
// jwx's choice: the first key with the kid, its alg EdDSA, its use "sig"
// or none. Another set (a rotation) is prepared afresh.
func TestPreparedKeys(t *testing.T) {
	t.Parallel()
	keyWith := func(kid string, fields map[string]any) jwk.Key {
		k, _ := jwk.FromRaw(newEd25519(t).Public())
		_ = k.Set(jwk.KeyIDKey, kid)
		for name, v := range fields {
			_ = k.Set(name, v)
		}
		return k
	}
	good := keyWith("good", map[string]any{jwk.AlgorithmKey: jwa.EdDSA, jwk.KeyUsageKey: "sig"})
	set := jwk.NewSet()
	for _, k := range []jwk.Key{
		good,
		keyWith("good", map[string]any{jwk.AlgorithmKey: jwa.EdDSA}), // a second key with the kid: unused
		keyWith("enc", map[string]any{jwk.AlgorithmKey: jwa.EdDSA, jwk.KeyUsageKey: "enc"}),
		keyWith("no-alg", nil),
		keyWith("", map[string]any{jwk.AlgorithmKey: jwa.EdDSA}),
	} {
		_ = set.AddKey(k)
	}
	s := newSignatureCheck("EdDSA", nil)
	p := s.prepared(set)
	want, _ := jwk.PublicRawKeyOf(good)
	if got := p.byKid["good"]; !got.Equal(want) {
		t.Error("kid good: not the first key with that kid")
	}
	for _, kid := range []string{"enc", "no-alg"} {
		if k, known := p.byKid[kid]; !known || k != nil {
			t.Errorf("kid %s: known %v, key %v; want known and unusable", kid, known, k)
		}
	}
	if len(p.byKid) != 3 {
		t.Errorf("%d kids prepared, want 3 (a key without kid is never chosen)", len(p.byKid))
	}
	if s.prepared(set) != p {
		t.Error("the same set was prepared again")
	}
	if s.prepared(jwk.NewSet()) == p {
		t.Error("a new set was not prepared")
	}
}

// TestUnusableKidIsNotUnknown: a token naming a key that cannot verify
// EdDSA is refused without a JWKS refetch (only unknown kids trigger one),
// as when jwx chose the keys.
func TestUnusableKidIsNotUnknown(t *testing.T) {
	t.Parallel()
	key := newEd25519(t)
	pub, _ := jwk.FromRaw(key.Public())
	_ = pub.Set(jwk.KeyIDKey, "k")
	set := jwk.NewSet()
	_ = set.AddKey(pub) // no alg
	raw, err := jwt.Sign(profile(nil), jwt.WithKey(jwa.EdDSA, key, jws.WithProtectedHeaders(kidHeader("k"))))
	if err != nil {
		t.Fatal(err)
	}
	if err := newSignatureCheck("EdDSA", nil).check(string(raw), set); !errors.Is(err, errUnusableKey) {
		t.Errorf("got %v, want errUnusableKey", err)
	}
}
