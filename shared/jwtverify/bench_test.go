package jwtverify

import (
	"context"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
)

// BenchmarkVerifyEdDSA measures a token verified again, as a client that
// downloads repeatedly sends it: a verified-token cache hit.
func BenchmarkVerifyEdDSA(b *testing.B) {
	s := newSigner(&testing.T{})
	v, err := New(context.Background(), Config{Algorithm: "EdDSA", Keys: s.set()})
	if err != nil {
		b.Fatal(err)
	}
	raw := sign(&testing.T{}, profile(nil), jwa.EdDSA, s.priv)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(context.Background(), raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyHS256(b *testing.B) {
	secret := []byte("0123456789abcdef0123")
	v, err := New(context.Background(), Config{Algorithm: "HS256", Secret: secret})
	if err != nil {
		b.Fatal(err)
	}
	raw := sign(&testing.T{}, profile(nil), jwa.HS256, secret)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(context.Background(), raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyEdDSAFirstSight measures a token the verifier has not seen
// before: the signature check and parse that the verified-token cache
// spares repeated requests.
func BenchmarkVerifyEdDSAFirstSight(b *testing.B) {
	s := newSigner(&testing.T{})
	v, err := New(context.Background(), Config{Algorithm: "EdDSA", Keys: s.set()})
	if err != nil {
		b.Fatal(err)
	}
	raw := sign(&testing.T{}, profile(nil), jwa.EdDSA, s.priv)
	b.ReportAllocs()
	for b.Loop() {
		v.verified = newVerifiedTokens()
		if _, err := v.Verify(context.Background(), raw); err != nil {
			b.Fatal(err)
		}
	}
}
