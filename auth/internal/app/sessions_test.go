package app_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/app/apptest"
	"prana/auth/internal/domain"
)

var testSessionPolicy = app.SessionPolicy{
	TTL: 30 * 24 * time.Hour, IdleTimeout: 7 * 24 * time.Hour, ReuseInterval: 10 * time.Second, ErasureRepeat: time.Hour,
}

// sessionService is a service with one signed-up user and a clock the test
// moves.
func sessionService(t *testing.T) (*app.Service, *apptest.Sessions, *time.Time, domain.User) {
	t.Helper()
	users := apptest.NewUsers()
	d := testDeps(&apptest.Hasher{Version: "v"}, users, frozenLimiter(), app.LoginLimits{})
	sessions := d.Sessions.(*apptest.Sessions)
	svc := app.New(d)
	clock := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	app.SetNow(svc, func() time.Time { return clock })
	u, err := svc.Signup(context.Background(), signup, app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return svc, sessions, &clock, u
}

func login(t *testing.T, svc *app.Service) app.Token {
	t.Helper()
	tok, err := svc.Login(context.Background(), domain.LoginInput{Email: "ivan@example.com", Password: "correct horse"}, "ip")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestRefreshRotatesAndDetectsReuse(t *testing.T) {
	t.Parallel()
	svc, _, clock, _ := sessionService(t)
	first := login(t, svc)
	if !strings.HasPrefix(first.Refresh, "rt_") || len(first.Refresh) != app.RefreshTokenLen || first.RefreshTTL != testSessionPolicy.TTL {
		t.Fatalf("login refresh token %q (ttl %v)", first.Refresh, first.RefreshTTL)
	}
	*clock = clock.Add(time.Hour)
	second, err := svc.Refresh(context.Background(), first.Refresh)
	if err != nil || second.Refresh == first.Refresh || second.Value == "" {
		t.Fatalf("refresh: %+v, %v", second, err)
	}
	if second.RefreshTTL != testSessionPolicy.TTL-time.Hour {
		t.Errorf("refresh ttl %v, want counted from the login", second.RefreshTTL)
	}
	// Within the reuse interval the spent token answers the same successor.
	*clock = clock.Add(5 * time.Second)
	again, err := svc.Refresh(context.Background(), first.Refresh)
	if err != nil || again.Refresh != second.Refresh {
		t.Fatalf("reuse within the interval: %+v, %v; want the same successor", again, err)
	}
	// After it, the spent token revokes the family: the holder of the
	// successor is logged out too.
	*clock = clock.Add(10 * time.Second)
	if _, err := svc.Refresh(context.Background(), first.Refresh); !errors.Is(err, domain.ErrInvalidRefreshToken) {
		t.Fatalf("replay after the interval: %v, want ErrInvalidRefreshToken", err)
	}
	if _, err := svc.Refresh(context.Background(), second.Refresh); !errors.Is(err, domain.ErrInvalidRefreshToken) {
		t.Fatalf("the successor after a replay: %v, want ErrInvalidRefreshToken", err)
	}
}

func TestRefreshRefusesBadAndEndedTokens(t *testing.T) {
	t.Parallel()
	svc, _, clock, _ := sessionService(t)
	for name, token := range map[string]string{
		"empty": "", "unknown": app.NewRefreshToken(), "access token": "a.b.c", "10 KB": strings.Repeat("r", 10<<10),
		"bad alphabet": "rt_" + strings.Repeat("!", app.RefreshTokenLen-3),
	} {
		if _, err := svc.Refresh(context.Background(), token); !errors.Is(err, domain.ErrInvalidRefreshToken) {
			t.Errorf("%s: %v, want ErrInvalidRefreshToken", name, err)
		}
	}
	idle := login(t, svc)
	*clock = clock.Add(testSessionPolicy.IdleTimeout)
	if _, err := svc.Refresh(context.Background(), idle.Refresh); !errors.Is(err, domain.ErrInvalidRefreshToken) {
		t.Errorf("after the idle timeout: %v", err)
	}
	old := login(t, svc)
	for range 4 { // used every 6 days (inside the idle timeout), until day 24 of 30
		*clock = clock.Add(6 * 24 * time.Hour)
		next, err := svc.Refresh(context.Background(), old.Refresh)
		if err != nil {
			t.Fatalf("daily refresh: %v", err)
		}
		old = next
	}
	*clock = clock.Add(6 * 24 * time.Hour) // day 30: the session's lifetime is over
	if _, err := svc.Refresh(context.Background(), old.Refresh); !errors.Is(err, domain.ErrInvalidRefreshToken) {
		t.Errorf("past REFRESH_TOKEN_TTL: %v", err)
	}
}

func TestConcurrentRefreshesMakeOneSuccessor(t *testing.T) {
	t.Parallel()
	svc, sessions, _, _ := sessionService(t)
	tok := login(t, svc)
	var wg sync.WaitGroup
	got := make([]string, 50)
	for i := range got {
		wg.Go(func() {
			next, err := svc.Refresh(context.Background(), tok.Refresh)
			if err != nil {
				t.Error(err)
			}
			got[i] = next.Refresh
		})
	}
	wg.Wait()
	for _, g := range got {
		if g != got[0] {
			t.Fatal("concurrent refreshes answered different successors")
		}
	}
	if n := sessions.Tokens(); n != 2 {
		t.Fatalf("%d tokens stored, want the spent one and one successor", n)
	}
}

func TestLogoutEndsTheSessionOnly(t *testing.T) {
	t.Parallel()
	svc, _, _, _ := sessionService(t)
	a, b := login(t, svc), login(t, svc)
	if err := svc.Logout(context.Background(), a.Refresh); err != nil {
		t.Fatal(err)
	}
	if err := svc.Logout(context.Background(), a.Refresh); err != nil {
		t.Fatalf("second logout: %v", err)
	}
	for _, unknown := range []string{app.NewRefreshToken(), "garbage"} {
		if err := svc.Logout(context.Background(), unknown); err != nil {
			t.Fatalf("logout of an unknown token: %v", err)
		}
	}
	if _, err := svc.Refresh(context.Background(), a.Refresh); !errors.Is(err, domain.ErrInvalidRefreshToken) {
		t.Errorf("refresh after logout: %v", err)
	}
	if _, err := svc.Refresh(context.Background(), b.Refresh); err != nil {
		t.Errorf("the other session after logout: %v", err)
	}
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	t.Parallel()
	svc, sessions, _, u := sessionService(t)
	mine, other := login(t, svc), login(t, svc)
	hash, _ := app.RefreshHash(mine.Refresh)
	myFamily, _ := sessions.FamilyOf(hash)
	c := app.Caller{UserID: u.ID, SessionID: myFamily, ClientIP: "ip"}
	if err := svc.ChangePassword(context.Background(), c, "wrong password", "new password 1"); !errors.Is(err, domain.ErrWrongPassword) {
		t.Fatalf("wrong current password: %v", err)
	}
	var verr *domain.ValidationError
	if err := svc.ChangePassword(context.Background(), c, "correct horse", "short"); !errors.As(err, &verr) {
		t.Fatalf("short new password: %v", err)
	}
	if err := svc.ChangePassword(context.Background(), c, "correct horse", "new password 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Refresh(context.Background(), other.Refresh); !errors.Is(err, domain.ErrInvalidRefreshToken) {
		t.Errorf("the other session survived: %v", err)
	}
	if _, err := svc.Refresh(context.Background(), mine.Refresh); err != nil {
		t.Errorf("the caller's session ended: %v", err)
	}
	if _, err := svc.Login(context.Background(), domain.LoginInput{Email: u.Email, Password: "new password 1"}, "ip"); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
}

func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	svc, sessions, clock, u := sessionService(t)
	tok := login(t, svc)
	c := app.Caller{UserID: u.ID, ClientIP: "ip"}
	if err := svc.DeleteAccount(context.Background(), c, "wrong password"); !errors.Is(err, domain.ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := svc.Me(context.Background(), u.ID); err != nil || len(sessions.Erasures()) != 0 {
		t.Fatalf("a refused erasure deleted something: %v", err)
	}
	if err := svc.DeleteAccount(context.Background(), c, "correct horse"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Me(context.Background(), u.ID); !errors.Is(err, domain.ErrUserNotFound) {
		t.Errorf("user after erasure: %v", err)
	}
	if _, err := svc.Refresh(context.Background(), tok.Refresh); !errors.Is(err, domain.ErrInvalidRefreshToken) {
		t.Errorf("refresh after erasure: %v", err)
	}
	if e := sessions.Erasures(); len(e) != 2 || !e[0].Due.Equal(*clock) ||
		!e[1].Due.Equal(clock.Add(testSessionPolicy.ErasureRepeat)) {
		t.Errorf("erasures recorded: %+v, want now and once access tokens have expired", e)
	}
	again, err := svc.Signup(context.Background(), signup, app.Client{})
	if err != nil || again.ID == u.ID {
		t.Errorf("signing up again: %+v, %v; want a new user", again, err)
	}
	if err := svc.DeleteAccount(context.Background(), c, "correct horse"); !errors.Is(err, domain.ErrUserNotFound) {
		t.Errorf("erasing a gone user: %v", err)
	}
}

func TestErasureRelayKeepsWhatItCannotSend(t *testing.T) {
	t.Parallel()
	clock := time.Now()
	out := &apptest.Outbox{Now: func() time.Time { return clock }}
	for i := range 120 {
		out.Record(domain.NewUserID(time.Now())+string(rune('a'+i%26)), clock)
	}
	pub := &apptest.Publisher{Down: true}
	r := app.ErasureRelay{Outbox: out, Publisher: pub, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	r.RelayOnce(context.Background())
	if len(out.Held()) != 120 || len(pub.Sent()) != 0 {
		t.Fatalf("with SQS down: %d kept, %d sent", len(out.Held()), len(pub.Sent()))
	}
	pub.Down = false
	clock = clock.Add(10 * time.Minute) // past every backoff
	r.RelayOnce(context.Background())
	if len(out.Held()) != 0 || len(pub.Sent()) != 120 {
		t.Fatalf("after recovery: %d kept, %d sent; want every batch sent", len(out.Held()), len(pub.Sent()))
	}
	if app.ErasureBackoff(0) != 2*time.Second || app.ErasureBackoff(100) != 5*time.Minute {
		t.Errorf("backoff %v … %v", app.ErasureBackoff(0), app.ErasureBackoff(100))
	}
}
