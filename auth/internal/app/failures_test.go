package app_test

// What a user gets when a port fails: the login goes through when only the
// hash upgrade fails, and an outage is reported as one (503), never as a
// wrong password, a vanished user or a dead session, with no secret in the
// error or the log.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/app/apptest"
	"prana/auth/internal/domain"
	"prana/testkit/logtest"
)

const seedPassword = "correct horse"

// outage is what the postgres adapter returns when the database is down.
var outage = fmt.Errorf("query: %w: dial tcp 10.0.0.5:5432: connection refused", app.ErrUnavailable)

// failureRig is a service with one stored user whose hash the hasher's
// current version ("v2") considers outdated, and its log.
type failureRig struct {
	svc      *app.Service
	users    *apptest.Users
	hasher   *apptest.Hasher
	sessions *apptest.Sessions
	limiter  *apptest.Limiter
	log      *logtest.Buffer
	user     domain.User
}

func newFailureRig(t *testing.T) *failureRig {
	t.Helper()
	r := &failureRig{users: apptest.NewUsers(), hasher: &apptest.Hasher{Version: "v2"}, limiter: frozenLimiter(), log: &logtest.Buffer{}}
	d := testDeps(r.hasher, r.users, r.limiter, app.LoginLimits{PerIP: app.Limit{"ip", 1000, time.Minute}})
	d.Log = slog.New(slog.NewJSONHandler(r.log, nil))
	r.sessions = d.Sessions.(*apptest.Sessions)
	r.svc = app.New(d)
	r.user = domain.User{
		ID: domain.NewUserID(time.Now()), Name: "Іван", Surname: "Петренко", Email: "Ivan@Example.com",
		DateOfBirth: time.Date(1990, 2, 28, 0, 0, 0, 0, time.UTC), CreatedAt: time.Now().UTC(),
	}
	r.users.Put(domain.Credentials{User: r.user, PasswordHash: "v1:" + seedPassword})
	t.Cleanup(func() {
		for _, f := range logtest.Scan(t.Name(), r.log.String(), []string{seedPassword, "new password 1"}) {
			t.Error(f)
		}
	})
	return r
}

func (r *failureRig) login(password string) (app.Token, error) {
	return r.svc.Login(context.Background(), domain.LoginInput{Email: "ivan@example.com", Password: password}, "192.0.2.1")
}

// logged reports whether the log has a record at level with msg for the user.
func (r *failureRig) logged(level, msg string) bool {
	for line := range strings.Lines(r.log.String()) {
		var rec struct {
			Level  string `json:"level"`
			Msg    string `json:"msg"`
			UserID string `json:"user_id"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Level == level && rec.Msg == msg && rec.UserID == r.user.ID {
			return true
		}
	}
	return false
}

func TestLoginSucceedsWhenTheRehashFailsAndTheNextLoginRetries(t *testing.T) {
	t.Parallel()
	for name, breakIt := range map[string]func(r *failureRig, err error){
		"store refuses the new hash": func(r *failureRig, err error) { r.users.Failing("ReplacePasswordHash", err) },
		"hasher too busy to rehash":  func(r *failureRig, err error) { r.hasher.FailHash(err) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newFailureRig(t)
			breakIt(r, fmt.Errorf("rehash: %w", outage))
			tok, err := r.login(seedPassword)
			if err != nil || !strings.HasPrefix(tok.Value, "token-for-"+r.user.ID+"-in-") || tok.Refresh == "" {
				t.Fatalf("login while the upgrade fails = %+v, %v; want a token: the old hash still works", tok, err)
			}
			if got := r.users.HashOf(r.user.ID); got != "v1:"+seedPassword {
				t.Fatalf("stored hash %q after a failed upgrade, want the old one kept", got)
			}
			if !r.logged("WARN", "password rehash skipped") {
				t.Errorf("no warning for the failed upgrade; log:\n%s", r.log)
			}

			breakIt(r, nil)
			if _, err := r.login(seedPassword); err != nil {
				t.Fatalf("next login: %v", err)
			}
			if got := r.users.HashOf(r.user.ID); got != "v2:"+seedPassword || r.users.Swaps() != 1 {
				t.Fatalf("after the next login: hash %q, %d swaps; want the upgrade retried once", got, r.users.Swaps())
			}
			if !r.logged("INFO", "password rehashed with current parameters") {
				t.Errorf("the retried upgrade was not logged; log:\n%s", r.log)
			}
		})
	}
}

// clientErrors are the answers that would tell a user something about
// their account (401, 404, 409); an outage must map to none of them.
var clientErrors = []error{
	domain.ErrInvalidCredentials, domain.ErrWrongPassword, domain.ErrUserNotFound,
	domain.ErrInvalidRefreshToken, domain.ErrEmailTaken,
}

// assertOutage checks that err reports the outage (503) and nothing else,
// and carries no password.
func assertOutage(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, app.ErrUnavailable) {
		t.Errorf("%s: %v, want ErrUnavailable (503)", what, err)
		return
	}
	for _, c := range clientErrors {
		if errors.Is(err, c) {
			t.Errorf("%s: %v also says %v", what, err, c)
		}
	}
	if strings.Contains(err.Error(), seedPassword) || strings.Contains(err.Error(), "new password 1") {
		t.Errorf("%s: the error text holds a password: %q", what, err)
	}
}

func TestLoginDuringAnOutageIsUnavailableNotAWrongPassword(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		breakIt func(r *failureRig)
		// verifies is how many passwords the login may check: none when
		// it cannot know whether it may try.
		verifies int
	}{
		"user lookup":      {func(r *failureRig) { r.users.Failing("CredentialsByEmail", outage) }, 0},
		"rate limit count": {func(r *failureRig) { r.limiter.Err = outage }, 0},
		"session start":    {func(r *failureRig) { r.sessions.Failing("StartSession", outage) }, 1},
		"token signing":    {func(r *failureRig) { app.SetTokens(r.svc, apptest.Tokens{Err: outage}) }, 1},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newFailureRig(t)
			c.breakIt(r)
			tok, err := r.login(seedPassword)
			assertOutage(t, "login", err)
			if tok != (app.Token{}) {
				t.Errorf("login handed out %+v during the outage", tok)
			}
			if r.hasher.Verifies() != c.verifies {
				t.Errorf("%d password checks, want %d", r.hasher.Verifies(), c.verifies)
			}
			if c.verifies == 0 { // nor can a wrong password be told apart
				_, wrong := r.login("wrong horse")
				assertOutage(t, "wrong password", wrong)
			}
		})
	}
}

func TestMe(t *testing.T) {
	t.Parallel()
	r := newFailureRig(t)
	ctx := context.Background()
	got, err := r.svc.Me(ctx, r.user.ID)
	if err != nil || got != r.user {
		t.Fatalf("Me = %+v, %v; want the stored profile %+v", got, err, r.user)
	}
	if _, err := r.svc.Me(ctx, domain.NewUserID(time.Now())); !errors.Is(err, domain.ErrUserNotFound) {
		t.Errorf("Me of a deleted user: %v, want ErrUserNotFound (401 user_gone)", err)
	}
	r.users.Failing("UserByID", outage)
	got, err = r.svc.Me(ctx, r.user.ID)
	assertOutage(t, "Me during an outage", err)
	if got != (domain.User{}) {
		t.Errorf("Me during an outage returned %+v", got)
	}
}

func TestAccountChangesDuringAnOutageChangeNothing(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		breakIt func(r *failureRig)
		do      func(r *failureRig, c app.Caller) error
		// kept is the password that must still log in afterwards.
		kept string
	}{
		"change password, user lookup": {
			func(r *failureRig) { r.users.Failing("CredentialsByID", outage) },
			func(r *failureRig, c app.Caller) error {
				return r.svc.ChangePassword(context.Background(), c, seedPassword, "new password 1")
			}, seedPassword,
		},
		"change password, hasher": {
			func(r *failureRig) { r.hasher.FailHash(outage) },
			func(r *failureRig, c app.Caller) error {
				return r.svc.ChangePassword(context.Background(), c, seedPassword, "new password 1")
			}, seedPassword,
		},
		"change password, store": {
			func(r *failureRig) { r.users.Failing("ReplacePasswordHash", outage) },
			func(r *failureRig, c app.Caller) error {
				return r.svc.ChangePassword(context.Background(), c, seedPassword, "new password 1")
			}, seedPassword,
		},
		"change password, limiter": {
			func(r *failureRig) { r.limiter.Err = outage },
			func(r *failureRig, c app.Caller) error {
				return r.svc.ChangePassword(context.Background(), c, seedPassword, "new password 1")
			}, seedPassword,
		},
		// Which password works afterwards is left open here: today the new
		// hash is already stored when ending the other sessions fails.
		"change password, ending other sessions": {
			func(r *failureRig) { r.sessions.Failing("EndOtherSessions", outage) },
			func(r *failureRig, c app.Caller) error {
				return r.svc.ChangePassword(context.Background(), c, seedPassword, "new password 1")
			}, "",
		},
		"delete account": {
			func(r *failureRig) { r.sessions.Failing("EraseUser", outage) },
			func(r *failureRig, c app.Caller) error {
				return r.svc.DeleteAccount(context.Background(), c, seedPassword)
			},
			seedPassword,
		},
		"delete account, hasher": {
			func(r *failureRig) { r.hasher.Err = outage },
			func(r *failureRig, c app.Caller) error {
				return r.svc.DeleteAccount(context.Background(), c, seedPassword)
			},
			"",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newFailureRig(t)
			c.breakIt(r)
			err := c.do(r, app.Caller{UserID: r.user.ID, ClientIP: "192.0.2.1"})
			assertOutage(t, name, err)

			r.users.Failing("CredentialsByID", nil)
			r.users.Failing("ReplacePasswordHash", nil)
			r.hasher.FailHash(nil)
			r.hasher.Err = nil
			r.limiter.Err = nil
			if _, err := r.svc.Me(context.Background(), r.user.ID); err != nil {
				t.Errorf("the user after a failed %s: %v", name, err)
			}
			if e := r.sessions.Erasures(); len(e) != 0 {
				t.Errorf("erasures recorded by a failed %s: %+v", name, e)
			}
			if c.kept != "" {
				if _, err := r.login(c.kept); err != nil {
					t.Errorf("login with %q after a failed %s: %v", c.kept, name, err)
				}
			}
		})
	}
}

func TestRefreshDuringAnOutageKeepsTheSession(t *testing.T) {
	t.Parallel()
	r := newFailureRig(t)
	clock := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	app.SetNow(r.svc, func() time.Time { return clock })
	first, err := r.login(seedPassword)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	r.sessions.Failing("UseRefreshToken", outage)
	_, err = r.svc.Refresh(ctx, first.Refresh)
	assertOutage(t, "refresh, session store down", err)
	r.sessions.Failing("UseRefreshToken", nil)

	// The token is spent before the user is read: the client, told to try
	// again, gets the same successor within the reuse interval, and its
	// session is not revoked as a replay.
	r.users.Failing("UserByID", outage)
	_, err = r.svc.Refresh(ctx, first.Refresh)
	assertOutage(t, "refresh, user store down", err)
	r.users.Failing("UserByID", nil)
	clock = clock.Add(time.Second)
	next, err := r.svc.Refresh(ctx, first.Refresh)
	if err != nil || next.Refresh == "" || next.Refresh == first.Refresh {
		t.Fatalf("refresh retried after the outage = %+v, %v; want the successor", next, err)
	}
	if _, err := r.svc.Refresh(ctx, next.Refresh); err != nil {
		t.Errorf("the successor after the outage: %v", err)
	}

	r.sessions.Failing("EndSessionOf", outage)
	assertOutage(t, "logout", r.svc.Logout(ctx, next.Refresh))
}
