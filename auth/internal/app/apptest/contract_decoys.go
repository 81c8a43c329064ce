package apptest

import (
	"context"
	"testing"

	"prana/auth/internal/app"
)

// DecoyHasherUnderTest is a hasher that also makes decoys with given
// settings, and a hash it verifies made with settings other than its
// current ones (an older release's, or the seed's).
type DecoyHasherUnderTest interface {
	app.PasswordHasher
	app.DecoyHasher
}

// RunDecoyHasherContract checks what the login's decoys rely on of an
// app.DecoyHasher: the settings of a hash it makes are found again in a
// decoy made with them, which matches no password; a decoy with older
// settings verifies as outdated, like the hashes it stands in for; what is
// not one of its hashes has no settings and gets no decoy. other is a hash
// of "seed-password-1" with settings other than the current ones.
func RunDecoyHasherContract(t *testing.T, newHasher func(t *testing.T) DecoyHasherUnderTest, other string) {
	t.Helper()
	ctx := context.Background()

	t.Run("ADecoyHasTheSettingsItWasMadeWith", func(t *testing.T) {
		t.Parallel()
		h := newHasher(t)
		hash, err := h.Hash(ctx, "correct horse")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			hash     string
			outdated bool
		}{{hash, false}, {other, true}} {
			settings := h.Settings(c.hash)
			if settings == "" {
				t.Fatalf("Settings(%q) = \"\", want the hash's settings", c.hash)
			}
			decoy, ok := h.DecoyWith(settings)
			if !ok || h.Settings(decoy) != settings {
				t.Fatalf("DecoyWith(%q) = %q, %v; want a decoy with those settings", settings, decoy, ok)
			}
			for _, pw := range []string{"correct horse", "seed-password-1", ""} {
				if match, outdated, err := h.Verify(ctx, pw, decoy); err != nil || match || outdated != c.outdated {
					t.Errorf("%q against a decoy with %q: match %v, outdated %v, %v; want no match, outdated %v",
						pw, settings, match, outdated, err, c.outdated)
				}
			}
		}
		if match, outdated, err := h.Verify(ctx, "seed-password-1", other); err != nil || !match || !outdated {
			t.Errorf("the other settings' hash: match %v, outdated %v, %v; want an outdated match", match, outdated, err)
		}
	})

	t.Run("WhatIsNotAHashHasNoSettings", func(t *testing.T) {
		t.Parallel()
		h := newHasher(t)
		for _, s := range []string{"", "not a hash", "plain:text"} {
			if got := h.Settings(s); got != "" {
				t.Errorf("Settings(%q) = %q, want \"\"", s, got)
			}
			if d, ok := h.DecoyWith(s); ok {
				t.Errorf("DecoyWith(%q) = %q, want none", s, d)
			}
		}
	})
}
