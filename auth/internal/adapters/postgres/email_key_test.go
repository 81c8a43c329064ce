package postgres_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/domain"
	"prana/testkit/pgtest"
)

// TestEmailKeyIgnoresCollation: on a C-locale database, where lower()
// leaves "É" alone, the store still treats ÉMILE@, émile@ and the
// decomposed spelling as one email, for lookups and for uniqueness.
func TestEmailKeyIgnoresCollation(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(t.Context(), pgtest.NewCLocaleDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := postgres.Migrate(t.Context(), pool, discardLog()); err != nil {
		t.Fatal(err)
	}
	s := postgres.NewStore(pool)
	u := create(t, s, newUser("\u00C9MILE@example.com"))
	for _, email := range []string{"\u00E9mile@example.com", "\u00C9MILE@example.com", "E\u0301MILE@example.com", "e\u0301mile@EXAMPLE.com"} {
		c, err := s.CredentialsByEmail(t.Context(), email)
		if err != nil || c.User.ID != u.ID {
			t.Errorf("CredentialsByEmail(%+q) = %v, %v: want the ÉMILE@ user", email, c.User.ID, err)
		}
		if _, err := s.CreateUser(t.Context(), newUser(email)); !errors.Is(err, domain.ErrEmailTaken) {
			t.Errorf("CreateUser(%+q): %v, want ErrEmailTaken", email, err)
		}
	}
	var key string
	if err := pool.QueryRow(t.Context(), "SELECT email_key FROM users WHERE id = $1", u.ID).Scan(&key); err != nil || key != "\u00E9mile@example.com" {
		t.Errorf("stored email_key %+q (err %v), want émile@example.com", key, err)
	}
}

// TestEmailKeyLongerThanTheEmail: NFC lengthens some characters (U+0958
// becomes U+0915 U+093C), so a seed's email of 128 characters can have a
// longer key; adoption must store it, not fail.
func TestEmailKeyLongerThanTheEmail(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	exec(t, pool, seedSchema)
	email := strings.Repeat("\u0958", 122) + "@x.io"
	exec(t, pool, `INSERT INTO users VALUES ($1, 'Q', 'A', $2, '1990-01-01', $3)`, seedUserID, email, seedHash)
	if err := postgres.Migrate(t.Context(), pool, discardLog()); err != nil {
		t.Fatalf("adopt a 127-character email whose key is longer: %v", err)
	}
	c, err := postgres.NewStore(pool).CredentialsByEmail(t.Context(), email)
	if err != nil || c.User.ID != seedUserID {
		t.Fatalf("lookup: %v, %v", c.User.ID, err)
	}
}
