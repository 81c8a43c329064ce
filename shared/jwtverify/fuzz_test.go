package jwtverify

import (
	"context"
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// The fuzz target's keys and clock are fixed, so the committed corpus's
// good tokens stay good forever.
var (
	fuzzNow    = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	fuzzKey    = ed25519.NewKeyFromSeed([]byte("prana-fuzz-seed-0123456789abcdef"))
	fuzzSecret = []byte("example_secret_key_hex_string")
)

// FuzzVerify throws arbitrary strings at both verifier configurations.
// Whatever arrives: no panic; the answer is the claims of the one user the
// fixed keys ever signed for, or an error wrapping ErrInvalid (never a key
// outage: the keys are local); anything over MaxTokenBytes is refused.
func FuzzVerify(f *testing.F) {
	ed, hs := fuzzVerifiers(f)
	good := profile(func(b *jwt.Builder) *jwt.Builder {
		return b.Issuer(DefaultIssuer).Audience([]string{DefaultAudience}).Subject(userID).Expiration(fuzzNow.Add(time.Hour))
	})
	edTok, err := jwt.Sign(good, jwt.WithKey(jwa.EdDSA, fuzzKey, jws.WithProtectedHeaders(kidHeader("fuzz"))))
	if err != nil {
		f.Fatal(err)
	}
	hsTok, err := jwt.Sign(good, jwt.WithKey(jwa.HS256, fuzzSecret))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{string(edTok), string(hsTok), "", "a.b.c", "..", "eyJhbGciOiJub25lIn0.e30.", tamper(string(edTok))} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, raw string) {
		for name, v := range map[string]*Verifier{"EdDSA": ed, "HS256": hs} {
			c, err := v.Verify(context.Background(), raw)
			switch {
			case err == nil && (c.UserID != userID || c.Email == "" || c.DateOfBirth.IsZero()):
				t.Fatalf("%s accepted %q with claims %+v", name, raw, c)
			case err != nil && !errors.Is(err, ErrInvalid):
				t.Fatalf("%s: %q: %v, want ErrInvalid", name, raw, err)
			case err == nil && len(raw) > MaxTokenBytes:
				t.Fatalf("%s accepted a token of %d bytes", name, len(raw))
			}
		}
	})
}

func fuzzVerifiers(f *testing.F) (ed, hs *Verifier) {
	f.Helper()
	pub, err := jwk.FromRaw(fuzzKey.Public())
	if err != nil {
		f.Fatal(err)
	}
	_ = pub.Set(jwk.KeyIDKey, "fuzz")
	_ = pub.Set(jwk.AlgorithmKey, jwa.EdDSA)
	set := jwk.NewSet()
	_ = set.AddKey(pub)
	now := func() time.Time { return fuzzNow }
	ed, err = New(context.Background(), Config{
		Algorithm: "EdDSA", Keys: set, Issuer: DefaultIssuer, Audience: DefaultAudience, Leeway: 30 * time.Second, Now: now,
	})
	if err != nil {
		f.Fatal(err)
	}
	hs, err = New(context.Background(), Config{Algorithm: "HS256", Secret: fuzzSecret, Leeway: 30 * time.Second, Now: now})
	if err != nil {
		f.Fatal(err)
	}
	return ed, hs
}
