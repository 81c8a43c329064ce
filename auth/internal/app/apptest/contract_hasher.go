package apptest

import (
	"context"
	"testing"

	"prana/auth/internal/app"
)

// RunPasswordHasherContract checks what signup and login rely on of an
// app.PasswordHasher: a hash matches its password and no other, and is not
// outdated when just made; the decoy matches no password and verifying
// against it is no error.
func RunPasswordHasherContract(t *testing.T, newHasher func(t *testing.T) app.PasswordHasher) {
	t.Helper()
	ctx := context.Background()

	t.Run("AHashMatchesItsPasswordOnly", func(t *testing.T) {
		t.Parallel()
		h := newHasher(t)
		hash, err := h.Hash(ctx, "correct horse")
		if err != nil {
			t.Fatal(err)
		}
		if hash == "correct horse" {
			t.Error("the hash is the password")
		}
		if match, outdated, err := h.Verify(ctx, "correct horse", hash); err != nil || !match || outdated {
			t.Errorf("the right password: match %v, outdated %v, %v; want a current match", match, outdated, err)
		}
		for _, wrong := range []string{"Correct horse", "correct horse ", "", "battery staple"} {
			if match, _, err := h.Verify(ctx, wrong, hash); err != nil || match {
				t.Errorf("password %q: match %v, %v; want no match", wrong, match, err)
			}
		}
	})

	t.Run("TheDecoyMatchesNothing", func(t *testing.T) {
		t.Parallel()
		h := newHasher(t)
		decoy := h.Decoy()
		for _, pw := range []string{"correct horse", "", "decoy"} {
			if match, _, err := h.Verify(ctx, pw, decoy); err != nil || match {
				t.Errorf("password %q against the decoy: match %v, %v; want no match and no error", pw, match, err)
			}
		}
	})
}
