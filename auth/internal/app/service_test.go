package app_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/app/apptest"
	"prana/auth/internal/domain"
)

func newService(h *apptest.Hasher, users *apptest.Users, limits app.LoginLimits) *app.Service {
	return app.New(testDeps(h, users, frozenLimiter(), limits))
}

func testDeps(h *apptest.Hasher, users *apptest.Users, limiter app.RateLimiter, limits app.LoginLimits) app.Deps {
	return app.Deps{
		Users: users, Hasher: h, Tokens: apptest.Tokens{}, Limiter: limiter, Sessions: apptest.NewSessions(users, apptest.NewOutbox()),
		Limits: limits, Policy: testSessionPolicy, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

var signup = domain.SignupInput{Name: " Іван ", Surname: "Петренко", Email: "Ivan@Example.com", DateOfBirth: "1990-02-28", Password: "correct horse"}

func TestSignupStoresHashNotPassword(t *testing.T) {
	t.Parallel()
	users, h := apptest.NewUsers(), &apptest.Hasher{Version: "v2"}
	svc := newService(h, users, app.LoginLimits{})
	u, err := svc.Signup(context.Background(), signup, app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Іван" {
		t.Errorf("name %q not trimmed", u.Name)
	}
	if got := users.HashOf(u.ID); got != "v2:correct horse" {
		t.Errorf("stored %q, want the hasher's output", got)
	}
	if _, err := svc.Signup(context.Background(), signup, app.Client{}); !errors.Is(err, domain.ErrEmailTaken) {
		t.Fatalf("duplicate signup: %v, want ErrEmailTaken", err)
	}
}

func TestLoginUnknownEmailDoesTheSameWork(t *testing.T) {
	t.Parallel()
	users, h := apptest.NewUsers(), &apptest.Hasher{Version: "v2"}
	svc := newService(h, users, app.LoginLimits{})
	if _, err := svc.Signup(context.Background(), signup, app.Client{}); err != nil {
		t.Fatal(err)
	}
	_, errUnknown := svc.Login(context.Background(), domain.LoginInput{Email: "nobody@example.com", Password: "correct horse"}, "ip")
	_, errWrong := svc.Login(context.Background(), domain.LoginInput{Email: "ivan@example.com", Password: "wrong horse"}, "ip")
	if !errors.Is(errUnknown, domain.ErrInvalidCredentials) || !errors.Is(errWrong, domain.ErrInvalidCredentials) {
		t.Fatalf("unknown: %v, wrong: %v; want ErrInvalidCredentials for both", errUnknown, errWrong)
	}
	if h.Verifies() != 2 {
		t.Fatalf("%d verifications for two failed logins, want one each", h.Verifies())
	}
}

func TestLoginIsCaseInsensitiveAndRehashesOutdated(t *testing.T) {
	t.Parallel()
	users, h := apptest.NewUsers(), &apptest.Hasher{Version: "v1"}
	svc := newService(h, users, app.LoginLimits{})
	u, err := svc.Signup(context.Background(), signup, app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	h.Version = "v2" // parameters changed since the user signed up
	tok, err := svc.Login(context.Background(), domain.LoginInput{Email: "IVAN@example.COM", Password: "correct horse"}, "ip")
	if err != nil || !strings.HasPrefix(tok.Value, "token-for-"+u.ID+"-in-") || tok.Refresh == "" {
		t.Fatalf("login: %+v %v", tok, err)
	}
	if got := users.HashOf(u.ID); got != "v2:correct horse" {
		t.Fatalf("hash after login %q, want it rehashed with v2", got)
	}
	again, err := svc.Login(context.Background(), domain.LoginInput{Email: "ivan@example.com", Password: "correct horse"}, "ip")
	if err != nil || !strings.HasPrefix(again.Value, "token-for-"+u.ID+"-in-") {
		t.Fatalf("login with the rehashed password: %+v %v", again, err)
	}
	if users.Swaps() != 1 {
		t.Fatalf("%d rehashes, want 1 (a current hash is left alone)", users.Swaps())
	}
}

func TestLoginRateLimits(t *testing.T) {
	t.Parallel()
	svc := newService(&apptest.Hasher{Version: "v"}, apptest.NewUsers(), app.LoginLimits{PerIP: app.Limit{"ip", 1, 42 * time.Second}})
	in := domain.LoginInput{Email: "a@example.com", Password: "whatever1"}
	if _, err := svc.Login(context.Background(), in, "1.2.3.4"); !errors.Is(err, domain.ErrInvalidCredentials) {
		t.Fatalf("first attempt: %v", err)
	}
	_, err := svc.Login(context.Background(), in, "1.2.3.4")
	var limited *app.RateLimitedError
	if !errors.As(err, &limited) || limited.RetryAfter != 42*time.Second {
		t.Fatalf("second attempt: %v, want RateLimitedError(42s)", err)
	}
}

func TestBusyHasherSurfaces(t *testing.T) {
	t.Parallel()
	svc := newService(&apptest.Hasher{Err: app.ErrBusy}, apptest.NewUsers(), app.LoginLimits{})
	if _, err := svc.Signup(context.Background(), signup, app.Client{}); !errors.Is(err, app.ErrBusy) {
		t.Fatalf("signup: %v, want ErrBusy", err)
	}
	if _, err := svc.Login(context.Background(), domain.LoginInput{Email: "a@b.co", Password: "x"}, "ip"); !errors.Is(err, app.ErrBusy) {
		t.Fatalf("login: %v, want ErrBusy", err)
	}
}

// TestAttackerCannotLockOutAVictim: failures from the attacker's addresses
// exhaust the pair limit for those addresses only; the victim's own
// address still gets through, and refused attempts do not count against
// the per-email backstop.
func TestAttackerCannotLockOutAVictim(t *testing.T) {
	t.Parallel()
	users, h := apptest.NewUsers(), &apptest.Hasher{Version: "v"}
	limiter := frozenLimiter()
	svc := app.New(testDeps(h, users, limiter, app.LoginLimits{PerIPEmail: app.Limit{"pair", 3, time.Minute}, PerEmail: app.Limit{"email", 1000, time.Minute}}))
	if _, err := svc.Signup(context.Background(), signup, app.Client{}); err != nil {
		t.Fatal(err)
	}
	wrong := domain.LoginInput{Email: "ivan@example.com", Password: "guess"}
	for _, ip := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"} {
		for i := range 5 {
			_, err := svc.Login(context.Background(), wrong, ip)
			var limited *app.RateLimitedError
			if i < 3 && !errors.Is(err, domain.ErrInvalidCredentials) || i >= 3 && !errors.As(err, &limited) {
				t.Fatalf("attempt %d from %s: %v", i+1, ip, err)
			}
		}
	}
	if n := limiter.Counted("email", "ivan@example.com"); n != 9 {
		t.Errorf("backstop counted %d attempts, want the 9 let through", n)
	}
	right := domain.LoginInput{Email: "Ivan@Example.com", Password: "correct horse"}
	if _, err := svc.Login(context.Background(), right, "192.0.2.7"); err != nil {
		t.Fatalf("the victim from their own address: %v", err)
	}
}

// TestSignupRateLimits: each signup limit refuses with its window as
// Retry-After, keyed as it says (client, range, email), and a refused
// signup hashes nothing.
func TestSignupRateLimits(t *testing.T) {
	t.Parallel()
	minute := time.Minute
	cases := map[string]struct {
		limits app.SignupLimits
		second app.Client
		email  string
	}{
		"per client": {app.SignupLimits{PerIP: app.Limit{"ip", 1, minute}}, app.Client{Key: "k", Range: "other"}, "b@example.com"},
		"per range":  {app.SignupLimits{PerRange: app.Limit{"range", 1, minute}}, app.Client{Key: "other", Range: "r"}, "b@example.com"},
		"per email":  {app.SignupLimits{PerEmail: app.Limit{"email", 1, minute}}, app.Client{Key: "x", Range: "y"}, "A@Example.com"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := &countingHasher{Hasher: apptest.Hasher{Version: "v"}}
			d := testDeps(&h.Hasher, apptest.NewUsers(), frozenLimiter(), app.LoginLimits{})
			d.Hasher, d.Signup = h, c.limits
			svc := app.New(d)
			first := signup
			first.Email = "a@example.com"
			if _, err := svc.Signup(context.Background(), first, app.Client{Key: "k", Range: "r"}); err != nil {
				t.Fatalf("first signup: %v", err)
			}
			second := signup
			second.Email = c.email
			_, err := svc.Signup(context.Background(), second, c.second)
			var limited *app.RateLimitedError
			if !errors.As(err, &limited) || limited.RetryAfter != minute {
				t.Fatalf("second signup: %v, want RateLimitedError(1m)", err)
			}
			if h.hashes != 1 {
				t.Errorf("%d hashes, want only the first signup's", h.hashes)
			}
		})
	}
}

// TestSignupHashesAtLowPriority: signup marks its hashing as yielding to
// logins'; a login's does not carry the mark.
func TestSignupHashesAtLowPriority(t *testing.T) {
	t.Parallel()
	h := &countingHasher{Hasher: apptest.Hasher{Version: "v"}}
	d := testDeps(&h.Hasher, apptest.NewUsers(), frozenLimiter(), app.LoginLimits{})
	d.Hasher = h
	svc := app.New(d)
	if _, err := svc.Signup(context.Background(), signup, app.Client{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Login(context.Background(), domain.LoginInput{Email: signup.Email, Password: signup.Password}, "ip"); err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, false}; len(h.low) != 2 || h.low[0] != want[0] || h.low[1] != want[1] {
		t.Fatalf("low priority per hash (signup, login) = %v, want %v", h.low, want)
	}
}

// countingHasher counts hashes and records each call's hash priority.
type countingHasher struct {
	apptest.Hasher
	hashes int
	low    []bool
}

func (c *countingHasher) Hash(ctx context.Context, pw string) (string, error) {
	c.hashes++
	c.low = append(c.low, app.LowHashPriority(ctx))
	return c.Hasher.Hash(ctx, pw)
}

func (c *countingHasher) Verify(ctx context.Context, pw, hash string) (bool, bool, error) {
	c.low = append(c.low, app.LowHashPriority(ctx))
	return c.Hasher.Verify(ctx, pw, hash)
}

// frozenLimiter is a rate limiter whose clock stands still: its windows
// never end, as the tests run within one.
func frozenLimiter() *apptest.Limiter {
	at := time.Now()
	return &apptest.Limiter{Now: func() time.Time { return at }}
}
