package apptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"testing"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/domain"
)

// Stores is one store seen through the ports that share it: sessions
// belong to users, and erasing a user records erasures in the outbox.
type Stores struct {
	Users    app.UserRepository
	Sessions app.SessionStore
	Outbox   app.ErasureOutbox
}

// sessionT0 is a time a database keeps exactly (whole microseconds).
var sessionT0 = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func tokenHash() []byte {
	h := make([]byte, 32)
	_, _ = rand.Read(h)
	return h
}

// session creates a user and starts a session of theirs.
func session(t *testing.T, s Stores, email string) (userID, familyID string) {
	t.Helper()
	u, err := s.Users.CreateUser(context.Background(), NewUser(email))
	if err != nil {
		t.Fatal(err)
	}
	return u.ID, startSession(t, s, u.ID)
}

// startSession starts a session of userID whose first token has the
// returned family's id as its hash (tokenOf).
func startSession(t *testing.T, s Stores, userID string) string {
	t.Helper()
	family := domain.NewUserID(time.Now())
	if err := s.Sessions.StartSession(context.Background(), family, userID, tokenOf(family), sessionT0); err != nil {
		t.Fatalf("StartSession: %v", err)
	}
	return family
}

// tokenOf is the hash of a session's first token in these suites.
func tokenOf(family string) []byte { return []byte("first token of " + family) }

// record returns what UseRefreshToken shows of the token with hash,
// writing nothing.
func record(t *testing.T, s app.SessionStore, hash []byte) (app.RefreshRecord, error) {
	t.Helper()
	var rec app.RefreshRecord
	err := s.UseRefreshToken(context.Background(), hash, func(r app.RefreshRecord) (app.RefreshUse, error) {
		rec = r
		return app.RefreshUse{}, nil
	})
	return rec, err
}

func mustRecord(t *testing.T, s app.SessionStore, hash []byte) app.RefreshRecord {
	t.Helper()
	rec, err := record(t, s, hash)
	if err != nil {
		t.Fatalf("UseRefreshToken: %v", err)
	}
	return rec
}

// RunSessionStoreContract checks what the app relies on of an
// app.SessionStore: a session's token shows its family; spending writes
// the successor; a failed use writes nothing; uses of one token take
// turns; ending sessions revokes them once; erasing a user removes them.
// newStores returns empty stores of the test's own.
func RunSessionStoreContract(t *testing.T, newStores func(t *testing.T) Stores) {
	t.Helper()
	ctx := context.Background()

	t.Run("ATokenShowsItsSession", func(t *testing.T) {
		t.Parallel()
		s := newStores(t)
		user, family := session(t, s, "show@example.com")
		rec := mustRecord(t, s.Sessions, tokenOf(family))
		want := app.RefreshRecord{FamilyID: family, UserID: user}
		if rec.FamilyID != want.FamilyID || rec.UserID != want.UserID || !rec.SpentAt.IsZero() || rec.SuccessorSealed != nil ||
			!rec.FamilyCreated.Equal(sessionT0) || !rec.FamilyLastUsed.Equal(sessionT0) || !rec.FamilyRevoked.IsZero() {
			t.Errorf("record = %+v, want family %s of %s created and last used at %v, not spent or revoked", rec, family, user, sessionT0)
		}
		called := false
		err := s.Sessions.UseRefreshToken(ctx, tokenHash(), func(app.RefreshRecord) (app.RefreshUse, error) {
			called = true
			return app.RefreshUse{}, nil
		})
		if !errors.Is(err, app.ErrRefreshUnknown) || called {
			t.Errorf("an unknown token: %v (use called %v), want ErrRefreshUnknown", err, called)
		}
	})

	t.Run("SpendingWritesTheSuccessor", func(t *testing.T) {
		t.Parallel()
		s := newStores(t)
		user, family := session(t, s, "spend@example.com")
		at := sessionT0.Add(time.Hour)
		next, sealed := tokenHash(), []byte("sealed successor")
		if err := s.Sessions.UseRefreshToken(ctx, tokenOf(family), func(app.RefreshRecord) (app.RefreshUse, error) {
			return app.RefreshUse{Spend: true, SuccessorHash: next, SuccessorSealed: sealed, Now: at}, nil
		}); err != nil {
			t.Fatal(err)
		}
		old := mustRecord(t, s.Sessions, tokenOf(family))
		if !old.SpentAt.Equal(at) || !bytes.Equal(old.SuccessorSealed, sealed) || !old.FamilyLastUsed.Equal(at) {
			t.Errorf("spent token: %+v, want spent at %v with its successor, family last used then", old, at)
		}
		succ := mustRecord(t, s.Sessions, next)
		if succ.FamilyID != family || succ.UserID != user || !succ.SpentAt.IsZero() || !succ.FamilyCreated.Equal(sessionT0) {
			t.Errorf("successor: %+v, want an unspent token of family %s", succ, family)
		}
	})

	t.Run("AFailedUseWritesNothing", func(t *testing.T) {
		t.Parallel()
		s := newStores(t)
		_, family := session(t, s, "fail@example.com")
		boom := errors.New("refused")
		next := tokenHash()
		err := s.Sessions.UseRefreshToken(ctx, tokenOf(family), func(app.RefreshRecord) (app.RefreshUse, error) {
			return app.RefreshUse{Spend: true, SuccessorHash: next, Now: sessionT0.Add(time.Hour)}, boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("UseRefreshToken: %v, want use's error", err)
		}
		if rec := mustRecord(t, s.Sessions, tokenOf(family)); !rec.SpentAt.IsZero() {
			t.Errorf("after a failed use: %+v, want unspent", rec)
		}
		if _, err := record(t, s.Sessions, next); !errors.Is(err, app.ErrRefreshUnknown) {
			t.Errorf("successor of a failed use: %v, want ErrRefreshUnknown", err)
		}
	})

	t.Run("UsesOfOneTokenTakeTurns", func(t *testing.T) {
		t.Parallel()
		s := newStores(t)
		_, family := session(t, s, "race@example.com")
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			spends int
		)
		for range 6 {
			wg.Go(func() {
				err := s.Sessions.UseRefreshToken(ctx, tokenOf(family), func(r app.RefreshRecord) (app.RefreshUse, error) {
					if !r.SpentAt.IsZero() {
						return app.RefreshUse{}, nil
					}
					mu.Lock()
					spends++
					mu.Unlock()
					return app.RefreshUse{Spend: true, SuccessorHash: tokenHash(), Now: sessionT0.Add(time.Minute)}, nil
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if spends != 1 {
			t.Errorf("%d uses found the token unspent, want 1", spends)
		}
	})

	t.Run("RevokingAFamily", func(t *testing.T) {
		t.Parallel()
		s := newStores(t)
		_, family := session(t, s, "revoke@example.com")
		at := sessionT0.Add(2 * time.Hour)
		for i, when := range []time.Time{at, at.Add(time.Hour)} {
			if err := s.Sessions.UseRefreshToken(ctx, tokenOf(family), func(app.RefreshRecord) (app.RefreshUse, error) {
				return app.RefreshUse{RevokeFamily: true, Now: when}, nil
			}); err != nil {
				t.Fatalf("revocation %d: %v", i+1, err)
			}
		}
		if rec := mustRecord(t, s.Sessions, tokenOf(family)); !rec.FamilyRevoked.Equal(at) {
			t.Errorf("revoked at %v, want the first revocation's %v", rec.FamilyRevoked, at)
		}
	})

	t.Run("EndingSessions", func(t *testing.T) {
		t.Parallel()
		s := newStores(t)
		user, mine := session(t, s, "end@example.com")
		other, third := startSession(t, s, user), startSession(t, s, user)
		_, theirs := session(t, s, "someone.else@example.com")
		at := sessionT0.Add(time.Hour)
		if err := s.Sessions.EndSessionOf(ctx, tokenOf(third), at); err != nil {
			t.Fatal(err)
		}
		if err := s.Sessions.EndSessionOf(ctx, tokenOf(third), at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.Sessions.EndSessionOf(ctx, tokenHash(), at); err != nil {
			t.Errorf("ending an unknown token's session: %v, want nil", err)
		}
		if err := s.Sessions.EndOtherSessions(ctx, user, mine, at.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			family  string
			revoked time.Time
		}{{mine, time.Time{}}, {other, at.Add(2 * time.Hour)}, {third, at}, {theirs, time.Time{}}} {
			if rec := mustRecord(t, s.Sessions, tokenOf(c.family)); !rec.FamilyRevoked.Equal(c.revoked) {
				t.Errorf("family %s revoked at %v, want %v", c.family, rec.FamilyRevoked, c.revoked)
			}
		}
	})

	t.Run("ErasingAUser", func(t *testing.T) {
		t.Parallel()
		s := newStores(t)
		user, family := session(t, s, "erase@example.com")
		_, theirs := session(t, s, "stays@example.com")
		if err := s.Sessions.EraseUser(ctx, user, []time.Time{time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Users.UserByID(ctx, user); !errors.Is(err, domain.ErrUserNotFound) {
			t.Errorf("the erased user: %v, want ErrUserNotFound", err)
		}
		if _, err := record(t, s.Sessions, tokenOf(family)); !errors.Is(err, app.ErrRefreshUnknown) {
			t.Errorf("the erased user's token: %v, want ErrRefreshUnknown", err)
		}
		if _, err := record(t, s.Sessions, tokenOf(theirs)); err != nil {
			t.Errorf("another user's token: %v", err)
		}
		if err := s.Sessions.EraseUser(ctx, user, nil); !errors.Is(err, domain.ErrUserNotFound) {
			t.Errorf("erasing the user again: %v, want ErrUserNotFound", err)
		}
		if _, err := s.Users.CreateUser(ctx, NewUser("erase@example.com")); err != nil {
			t.Errorf("signing up again with the erased email: %v", err)
		}
	})
}
