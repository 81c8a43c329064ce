package postgres_test

import (
	"slices"
	"testing"
)

// TestHashSettingsInUse: each distinct hash setting once, without salt or
// digest, and the seed's leaves the list once its last user is upgraded.
func TestHashSettingsInUse(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	if got, err := s.HashSettingsInUse(t.Context()); err != nil || len(got) != 0 {
		t.Fatalf("empty table: %q, %v", got, err)
	}
	create(t, s, newUser("a@example.com"))
	create(t, s, newUser("b@example.com"))
	seed := newUser("seed@example.com")
	seed.PasswordHash = seedHash
	create(t, s, seed)

	got, err := s.HashSettingsInUse(t.Context())
	slices.Sort(got)
	want := []string{"$argon2id$v=19$m=102400,t=2,p=8", "$argon2id$v=19$m=19456,t=2,p=1"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("settings in use %q (err %v), want %q", got, err, want)
	}
	if err := s.ReplacePasswordHash(t.Context(), seed.ID, seedHash, newUser("").PasswordHash); err != nil {
		t.Fatal(err)
	}
	if got, err := s.HashSettingsInUse(t.Context()); err != nil || !slices.Equal(got, want[1:]) {
		t.Fatalf("after the upgrade: %q (err %v), want %q", got, err, want[1:])
	}
}
