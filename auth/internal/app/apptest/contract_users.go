package apptest

import (
	"context"
	"errors"
	"testing"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/domain"
)

// NewUser is a valid new user with email and a fresh id.
func NewUser(email string) domain.NewUser {
	return domain.NewUser{ //nolint:gosec // G101: a made-up hash of no password, not a credential
		ID: domain.NewUserID(time.Now()), Name: "Іван", Surname: "Петренко", Email: email,
		DateOfBirth: time.Date(1990, 2, 28, 0, 0, 0, 0, time.UTC), PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
	}
}

// RunUserRepositoryContract checks what the app relies on of an
// app.UserRepository: a created user reads back by id and by email in any
// letter case; an email is taken whatever its case or Unicode form; an id
// collision is a failure but not a taken email; unknown users are
// domain.ErrUserNotFound; a hash is replaced only while it is the one
// expected. newRepo returns an empty repository of the test's own.
func RunUserRepositoryContract(t *testing.T, newRepo func(t *testing.T) app.UserRepository) {
	t.Helper()
	ctx := context.Background()

	t.Run("CreatedUserReadsBack", func(t *testing.T) {
		t.Parallel()
		r := newRepo(t)
		nu := NewUser("Ivan.Petrenko@Example.com")
		before := time.Now()
		u, err := r.CreateUser(ctx, nu)
		if err != nil {
			t.Fatal(err)
		}
		want := domain.User{ID: nu.ID, Name: nu.Name, Surname: nu.Surname, Email: nu.Email, DateOfBirth: nu.DateOfBirth}
		checkUser(t, "CreateUser", u, want, before)
		got, err := r.UserByID(ctx, nu.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkUser(t, "UserByID", got, want, before)
		for _, email := range []string{nu.Email, "ivan.petrenko@example.com", "IVAN.PETRENKO@EXAMPLE.COM", " Ivan.Petrenko@Example.com "} {
			c, err := r.CredentialsByEmail(ctx, email)
			if err != nil {
				t.Fatalf("CredentialsByEmail(%q): %v", email, err)
			}
			checkUser(t, "CredentialsByEmail", c.User, want, before)
			if c.PasswordHash != nu.PasswordHash {
				t.Errorf("CredentialsByEmail: hash %q, want %q", c.PasswordHash, nu.PasswordHash)
			}
		}
		c, err := r.CredentialsByID(ctx, nu.ID)
		if err != nil || c.PasswordHash != nu.PasswordHash {
			t.Fatalf("CredentialsByID: %+v, %v", c, err)
		}
		checkUser(t, "CredentialsByID", c.User, want, before)
	})

	t.Run("AnEmailIsTakenInAnyCaseOrForm", func(t *testing.T) {
		t.Parallel()
		r := newRepo(t)
		for _, pair := range [][2]string{
			{"ivan@example.com", "IVAN@Example.COM"},
			{"Émile@example.com", "émile@EXAMPLE.com"},
			{"zoe\u0301@example.com", "zo\u00e9@example.com"}, // decomposed, then composed
		} {
			if _, err := r.CreateUser(ctx, NewUser(pair[0])); err != nil {
				t.Fatalf("CreateUser(%q): %v", pair[0], err)
			}
			if _, err := r.CreateUser(ctx, NewUser(pair[1])); !errors.Is(err, domain.ErrEmailTaken) {
				t.Errorf("CreateUser(%q) after %q: %v, want ErrEmailTaken", pair[1], pair[0], err)
			}
			if _, err := r.CredentialsByEmail(ctx, pair[1]); err != nil {
				t.Errorf("CredentialsByEmail(%q) after creating %q: %v", pair[1], pair[0], err)
			}
		}
	})

	t.Run("AnIDCollisionIsNotATakenEmail", func(t *testing.T) {
		t.Parallel()
		r := newRepo(t)
		first := NewUser("first@example.com")
		if _, err := r.CreateUser(ctx, first); err != nil {
			t.Fatal(err)
		}
		second := NewUser("second@example.com")
		second.ID = first.ID
		_, err := r.CreateUser(ctx, second)
		if err == nil || errors.Is(err, domain.ErrEmailTaken) {
			t.Errorf("CreateUser with a taken id: %v, want a failure other than ErrEmailTaken", err)
		}
		if u, err := r.UserByID(ctx, first.ID); err != nil || u.Email != first.Email {
			t.Errorf("the first user after the collision: %+v, %v", u, err)
		}
		if _, err := r.CredentialsByEmail(ctx, second.Email); !errors.Is(err, domain.ErrUserNotFound) {
			t.Errorf("the colliding user's email: %v, want ErrUserNotFound", err)
		}
	})

	t.Run("UnknownUsersAreNotFound", func(t *testing.T) {
		t.Parallel()
		r := newRepo(t)
		if _, err := r.CreateUser(ctx, NewUser("known@example.com")); err != nil {
			t.Fatal(err)
		}
		if _, err := r.CredentialsByEmail(ctx, "unknown@example.com"); !errors.Is(err, domain.ErrUserNotFound) {
			t.Errorf("CredentialsByEmail: %v, want ErrUserNotFound", err)
		}
		for _, id := range []string{domain.NewUserID(time.Now()), "not-a-uuid", ""} {
			if _, err := r.UserByID(ctx, id); !errors.Is(err, domain.ErrUserNotFound) {
				t.Errorf("UserByID(%q): %v, want ErrUserNotFound", id, err)
			}
			if _, err := r.CredentialsByID(ctx, id); !errors.Is(err, domain.ErrUserNotFound) {
				t.Errorf("CredentialsByID(%q): %v, want ErrUserNotFound", id, err)
			}
		}
	})

	t.Run("AHashIsReplacedOnlyWhileExpected", func(t *testing.T) {
		t.Parallel()
		r := newRepo(t)
		nu := NewUser("hash@example.com")
		if _, err := r.CreateUser(ctx, nu); err != nil {
			t.Fatal(err)
		}
		if err := r.ReplacePasswordHash(ctx, nu.ID, "not the stored hash", "h2"); err != nil {
			t.Fatal(err)
		}
		if c, _ := r.CredentialsByID(ctx, nu.ID); c.PasswordHash != nu.PasswordHash {
			t.Errorf("hash after a stale swap: %q, want it unchanged", c.PasswordHash)
		}
		if err := r.ReplacePasswordHash(ctx, nu.ID, nu.PasswordHash, "h2"); err != nil {
			t.Fatal(err)
		}
		if c, _ := r.CredentialsByID(ctx, nu.ID); c.PasswordHash != "h2" {
			t.Errorf("hash after the swap: %q, want h2", c.PasswordHash)
		}
		gone := domain.NewUserID(time.Now())
		if err := r.ReplacePasswordHash(ctx, gone, "", "h3"); err != nil {
			t.Errorf("swapping an unknown user's hash: %v, want nil", err)
		}
		if _, err := r.UserByID(ctx, gone); !errors.Is(err, domain.ErrUserNotFound) {
			t.Errorf("the unknown user after the swap: %v, want ErrUserNotFound", err)
		}
	})
}

// checkUser compares got with want, whose CreatedAt is not known: got's
// must be set, and not before the test began (give or take a clock skew).
func checkUser(t *testing.T, op string, got, want domain.User, before time.Time) {
	t.Helper()
	if got.CreatedAt.IsZero() || got.CreatedAt.Before(before.Add(-time.Minute)) {
		t.Errorf("%s: CreatedAt %v, want a time since %v", op, got.CreatedAt, before)
	}
	if !got.DateOfBirth.Equal(want.DateOfBirth) {
		t.Errorf("%s: DateOfBirth %v, want %v", op, got.DateOfBirth, want.DateOfBirth)
	}
	got.CreatedAt, got.DateOfBirth = want.CreatedAt, want.DateOfBirth
	if got != want {
		t.Errorf("%s = %+v, want %+v", op, got, want)
	}
}
