package postgres_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/domain"
	"prana/testkit/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// newPool opens a pool on a fresh, empty database; it is closed when the
// test ends.
func newPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(t.Context(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatalf("open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// newStore returns a Store on a fresh, migrated database.
func newStore(t testing.TB) (*postgres.Store, *pgxpool.Pool) {
	t.Helper()
	pool := newPool(t)
	if err := postgres.Migrate(t.Context(), pool, discardLog()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return postgres.NewStore(pool), pool
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

var dob = time.Date(1990, 2, 28, 0, 0, 0, 0, time.UTC)

func newUser(email string) domain.NewUser {
	return domain.NewUser{
		ID: domain.NewUserID(time.Now()), Name: "Іван", Surname: "Петренко", Email: email,
		DateOfBirth: dob, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
	}
}

// create stores u and fails the test on error.
func create(t *testing.T, s *postgres.Store, u domain.NewUser) domain.User {
	t.Helper()
	got, err := s.CreateUser(t.Context(), u)
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", u.Email, err)
	}
	return got
}

func TestCreateAndRead(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	in := newUser("Mixed.Case@Example.com")
	before := time.Now().Add(-time.Minute)
	u := create(t, s, in)

	want := domain.User{ID: in.ID, Name: in.Name, Surname: in.Surname, Email: in.Email, DateOfBirth: dob}
	checkUser(t, "CreateUser", u, want, before)

	for _, email := range []string{"Mixed.Case@Example.com", "mixed.case@example.com", "MIXED.CASE@EXAMPLE.COM"} {
		c, err := s.CredentialsByEmail(ctx, email)
		if err != nil {
			t.Fatalf("CredentialsByEmail(%s): %v", email, err)
		}
		checkUser(t, "CredentialsByEmail", c.User, want, before)
		if c.PasswordHash != in.PasswordHash {
			t.Errorf("CredentialsByEmail(%s): hash %q, want %q", email, c.PasswordHash, in.PasswordHash)
		}
	}
	byID, err := s.UserByID(ctx, in.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	checkUser(t, "UserByID", byID, want, before)
	if !byID.CreatedAt.Equal(u.CreatedAt) {
		t.Errorf("UserByID created_at %v, CreateUser said %v", byID.CreatedAt, u.CreatedAt)
	}
}

func checkUser(t *testing.T, op string, got, want domain.User, after time.Time) {
	t.Helper()
	if got.ID != want.ID || got.Name != want.Name || got.Surname != want.Surname || got.Email != want.Email {
		t.Errorf("%s: got %+v, want %+v", op, got, want)
	}
	if !got.DateOfBirth.Equal(want.DateOfBirth) || got.DateOfBirth.Format(domain.DateLayout) != "1990-02-28" {
		t.Errorf("%s: date of birth %v, want %v", op, got.DateOfBirth, want.DateOfBirth)
	}
	if got.CreatedAt.Before(after) || got.CreatedAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("%s: created_at %v is not about now", op, got.CreatedAt)
	}
}

func TestUnknownUser(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	create(t, s, newUser("someone@example.com"))

	if _, err := s.CredentialsByEmail(ctx, "nobody@example.com"); !errors.Is(err, domain.ErrUserNotFound) {
		t.Errorf("CredentialsByEmail(unknown) = %v, want ErrUserNotFound", err)
	}
	for _, id := range []string{domain.NewUserID(time.Now()), "not-a-uuid", ""} {
		if _, err := s.UserByID(ctx, id); !errors.Is(err, domain.ErrUserNotFound) {
			t.Errorf("UserByID(%q) = %v, want ErrUserNotFound", id, err)
		}
	}
}

func TestDuplicateEmailInOtherCase(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	create(t, s, newUser("ivan@example.com"))
	for _, email := range []string{"ivan@example.com", "IVAN@example.com", "Ivan@Example.Com"} {
		if _, err := s.CreateUser(t.Context(), newUser(email)); !errors.Is(err, domain.ErrEmailTaken) {
			t.Errorf("CreateUser(%s) = %v, want ErrEmailTaken", email, err)
		}
	}
	if n := countUsers(t, pool); n != 1 {
		t.Errorf("%d users stored, want 1", n)
	}
}

func TestReplacePasswordHashSwapsOnlyTheExpectedHash(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	in := newUser("rehash@example.com")
	create(t, s, in)

	// A stale old hash (someone changed the password meanwhile) is left alone.
	if err := s.ReplacePasswordHash(ctx, in.ID, "$argon2id$stale", "$argon2id$new-1"); err != nil {
		t.Fatalf("ReplacePasswordHash(stale): %v", err)
	}
	if got := hashOf(t, s, in.Email); got != in.PasswordHash {
		t.Fatalf("stale swap changed the hash to %q", got)
	}
	if err := s.ReplacePasswordHash(ctx, in.ID, in.PasswordHash, "$argon2id$new-2"); err != nil {
		t.Fatalf("ReplacePasswordHash: %v", err)
	}
	if got := hashOf(t, s, in.Email); got != "$argon2id$new-2" {
		t.Fatalf("hash after swap = %q, want the new one", got)
	}
	if err := s.ReplacePasswordHash(ctx, "not-a-uuid", "a", "b"); err == nil {
		t.Error("ReplacePasswordHash with a malformed id: want an error")
	}
}

func hashOf(t *testing.T, s *postgres.Store, email string) string {
	t.Helper()
	c, err := s.CredentialsByEmail(t.Context(), email)
	if err != nil {
		t.Fatalf("CredentialsByEmail(%s): %v", email, err)
	}
	return c.PasswordHash
}

// TestConcurrentCreateOneEmail: the database decides, so exactly one of
// many simultaneous signups with one email (in varying case) wins.
func TestConcurrentCreateOneEmail(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	const n = 20
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := "race@example.com"
			if i%2 == 1 {
				email = strings.ToUpper(email)
			}
			<-start
			_, errs[i] = s.CreateUser(context.WithoutCancel(t.Context()), newUser(email))
		}()
	}
	close(start)
	wg.Wait()
	var ok, taken int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, domain.ErrEmailTaken):
			taken++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || taken != n-1 {
		t.Errorf("%d created, %d ErrEmailTaken; want 1 and %d", ok, taken, n-1)
	}
	if got := countUsers(t, pool); got != 1 {
		t.Errorf("%d users stored, want 1", got)
	}
}

func TestPing(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	pool.Close()
	if err := s.Ping(t.Context()); err == nil {
		t.Error("Ping on a closed pool: want an error")
	}
}

func countUsers(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM users").Scan(&n); err != nil {
		t.Fatalf("count users: %v", err)
	}
	return n
}
