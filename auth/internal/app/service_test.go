package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"prana/auth/internal/domain"
)

// memUsers is an in-memory UserRepository for unit tests. A method named
// in fail answers that error instead, as a real store does when the
// database is unreachable.
type memUsers struct {
	mu    sync.Mutex
	byID  map[string]domain.Credentials
	swaps int
	fail  map[string]error // method name → error
}

func newMemUsers() *memUsers {
	return &memUsers{byID: map[string]domain.Credentials{}, fail: map[string]error{}}
}

// failing makes method answer err from now on; a nil err heals it.
func (m *memUsers) failing(method string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail[method] = err
}

// hashOf is the stored hash of user id.
func (m *memUsers) hashOf(id string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.byID[id].PasswordHash
}

func (m *memUsers) CreateUser(_ context.Context, u domain.NewUser) (domain.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["CreateUser"]; err != nil {
		return domain.User{}, err
	}
	for _, c := range m.byID {
		if strings.EqualFold(c.User.Email, u.Email) {
			return domain.User{}, domain.ErrEmailTaken
		}
	}
	user := domain.User{ID: u.ID, Name: u.Name, Surname: u.Surname, Email: u.Email, DateOfBirth: u.DateOfBirth, CreatedAt: time.Now()}
	m.byID[u.ID] = domain.Credentials{User: user, PasswordHash: u.PasswordHash}
	return user, nil
}

func (m *memUsers) CredentialsByEmail(_ context.Context, email string) (domain.Credentials, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["CredentialsByEmail"]; err != nil {
		return domain.Credentials{}, err
	}
	for _, c := range m.byID {
		if strings.EqualFold(c.User.Email, email) {
			return c, nil
		}
	}
	return domain.Credentials{}, domain.ErrUserNotFound
}

func (m *memUsers) UserByID(_ context.Context, id string) (domain.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["UserByID"]; err != nil {
		return domain.User{}, err
	}
	c, ok := m.byID[id]
	if !ok {
		return domain.User{}, domain.ErrUserNotFound
	}
	return c.User, nil
}

func (m *memUsers) CredentialsByID(_ context.Context, id string) (domain.Credentials, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["CredentialsByID"]; err != nil {
		return domain.Credentials{}, err
	}
	c, ok := m.byID[id]
	if !ok {
		return domain.Credentials{}, domain.ErrUserNotFound
	}
	return c, nil
}

func (m *memUsers) ReplacePasswordHash(_ context.Context, id, oldHash, newHash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["ReplacePasswordHash"]; err != nil {
		return err
	}
	c := m.byID[id]
	if c.PasswordHash == oldHash {
		c.PasswordHash = newHash
		m.byID[id] = c
		m.swaps++
	}
	return nil
}

// fakeHasher "hashes" as "v<version>:<password>" and counts verifications.
// err fails every call; hashErr fails only Hash (a saturated pool can let
// one call through and refuse the next).
type fakeHasher struct {
	mu       sync.Mutex
	version  string
	verifies int
	err      error
	hashErr  error
}

func (f *fakeHasher) Hash(_ context.Context, pw string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return "", f.err
	}
	if f.hashErr != nil {
		return "", f.hashErr
	}
	return f.version + ":" + pw, nil
}

func (f *fakeHasher) failHash(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hashErr = err
}

func (f *fakeHasher) Verify(_ context.Context, pw, hash string) (bool, bool, error) {
	f.mu.Lock()
	f.verifies++
	f.mu.Unlock()
	if f.err != nil {
		return false, false, f.err
	}
	v, p, _ := strings.Cut(hash, ":")
	return p == pw, v != f.version, nil
}

func (f *fakeHasher) Decoy() string { return f.version + ":\x00decoy" }

// fakeTokens issues readable tokens, or fails with err.
type fakeTokens struct{ err error }

func (f fakeTokens) Issue(_ context.Context, u domain.User, sid string) (string, time.Duration, error) {
	if f.err != nil {
		return "", 0, f.err
	}
	return "token-for-" + u.ID + "-in-" + sid, time.Hour, nil
}

func newService(h *fakeHasher, users *memUsers, limits LoginLimits) *Service {
	return New(testDeps(h, users, &memLimiter{}, limits))
}

func testDeps(h *fakeHasher, users *memUsers, limiter RateLimiter, limits LoginLimits) Deps {
	return Deps{
		Users: users, Hasher: h, Tokens: fakeTokens{}, Limiter: limiter, Sessions: newMemSessions(users),
		Limits: limits, Policy: testSessionPolicy, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

var signup = domain.SignupInput{Name: " Іван ", Surname: "Петренко", Email: "Ivan@Example.com", DateOfBirth: "1990-02-28", Password: "correct horse"}

func TestSignupStoresHashNotPassword(t *testing.T) {
	t.Parallel()
	users, h := newMemUsers(), &fakeHasher{version: "v2"}
	svc := newService(h, users, LoginLimits{})
	u, err := svc.Signup(context.Background(), signup, Client{})
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Іван" {
		t.Errorf("name %q not trimmed", u.Name)
	}
	if got := users.byID[u.ID].PasswordHash; got != "v2:correct horse" {
		t.Errorf("stored %q, want the hasher's output", got)
	}
	if _, err := svc.Signup(context.Background(), signup, Client{}); !errors.Is(err, domain.ErrEmailTaken) {
		t.Fatalf("duplicate signup: %v, want ErrEmailTaken", err)
	}
}

func TestLoginUnknownEmailDoesTheSameWork(t *testing.T) {
	t.Parallel()
	users, h := newMemUsers(), &fakeHasher{version: "v2"}
	svc := newService(h, users, LoginLimits{})
	if _, err := svc.Signup(context.Background(), signup, Client{}); err != nil {
		t.Fatal(err)
	}
	_, errUnknown := svc.Login(context.Background(), domain.LoginInput{Email: "nobody@example.com", Password: "correct horse"}, "ip")
	_, errWrong := svc.Login(context.Background(), domain.LoginInput{Email: "ivan@example.com", Password: "wrong horse"}, "ip")
	if !errors.Is(errUnknown, domain.ErrInvalidCredentials) || !errors.Is(errWrong, domain.ErrInvalidCredentials) {
		t.Fatalf("unknown: %v, wrong: %v; want ErrInvalidCredentials for both", errUnknown, errWrong)
	}
	if h.verifies != 2 {
		t.Fatalf("%d verifications for two failed logins, want one each", h.verifies)
	}
}

func TestLoginIsCaseInsensitiveAndRehashesOutdated(t *testing.T) {
	t.Parallel()
	users, h := newMemUsers(), &fakeHasher{version: "v1"}
	svc := newService(h, users, LoginLimits{})
	u, err := svc.Signup(context.Background(), signup, Client{})
	if err != nil {
		t.Fatal(err)
	}
	h.version = "v2" // parameters changed since the user signed up
	tok, err := svc.Login(context.Background(), domain.LoginInput{Email: "IVAN@example.COM", Password: "correct horse"}, "ip")
	if err != nil || !strings.HasPrefix(tok.Value, "token-for-"+u.ID+"-in-") || tok.Refresh == "" {
		t.Fatalf("login: %+v %v", tok, err)
	}
	if got := users.byID[u.ID].PasswordHash; got != "v2:correct horse" {
		t.Fatalf("hash after login %q, want it rehashed with v2", got)
	}
	again, err := svc.Login(context.Background(), domain.LoginInput{Email: "ivan@example.com", Password: "correct horse"}, "ip")
	if err != nil || !strings.HasPrefix(again.Value, "token-for-"+u.ID+"-in-") {
		t.Fatalf("login with the rehashed password: %+v %v", again, err)
	}
	if users.swaps != 1 {
		t.Fatalf("%d rehashes, want 1 (a current hash is left alone)", users.swaps)
	}
}

func TestLoginRateLimits(t *testing.T) {
	t.Parallel()
	svc := newService(&fakeHasher{version: "v"}, newMemUsers(), LoginLimits{PerIP: Limit{"ip", 1, 42 * time.Second}})
	in := domain.LoginInput{Email: "a@example.com", Password: "whatever1"}
	if _, err := svc.Login(context.Background(), in, "1.2.3.4"); !errors.Is(err, domain.ErrInvalidCredentials) {
		t.Fatalf("first attempt: %v", err)
	}
	_, err := svc.Login(context.Background(), in, "1.2.3.4")
	var limited *RateLimitedError
	if !errors.As(err, &limited) || limited.RetryAfter != 42*time.Second {
		t.Fatalf("second attempt: %v, want RateLimitedError(42s)", err)
	}
}

func TestBusyHasherSurfaces(t *testing.T) {
	t.Parallel()
	svc := newService(&fakeHasher{err: ErrBusy}, newMemUsers(), LoginLimits{})
	if _, err := svc.Signup(context.Background(), signup, Client{}); !errors.Is(err, ErrBusy) {
		t.Fatalf("signup: %v, want ErrBusy", err)
	}
	if _, err := svc.Login(context.Background(), domain.LoginInput{Email: "a@b.co", Password: "x"}, "ip"); !errors.Is(err, ErrBusy) {
		t.Fatalf("login: %v, want ErrBusy", err)
	}
}

// memLimiter is an in-memory RateLimiter: fixed windows that never end
// (tests run within one), and the keys it has counted. With err set it
// cannot count, as when the database that keeps the counts is down.
type memLimiter struct {
	seen map[string]int // limit name + " " + key → attempts counted
	err  error
}

func (m *memLimiter) Take(_ context.Context, hits ...LimitHit) (bool, time.Duration, error) {
	if m.err != nil {
		return false, 0, m.err
	}
	if m.seen == nil {
		m.seen = map[string]int{}
	}
	for _, h := range hits {
		if h.Limit.Max <= 0 {
			continue
		}
		k := h.Limit.Name + " " + h.Key
		if m.seen[k] >= h.Limit.Max {
			return false, h.Limit.Per, nil
		}
		m.seen[k]++
	}
	return true, 0, nil
}

// TestAttackerCannotLockOutAVictim: failures from the attacker's addresses
// exhaust the pair limit for those addresses only; the victim's own
// address still gets through, and refused attempts do not count against
// the per-email backstop.
func TestAttackerCannotLockOutAVictim(t *testing.T) {
	t.Parallel()
	users, h := newMemUsers(), &fakeHasher{version: "v"}
	limiter := &memLimiter{}
	svc := New(testDeps(h, users, limiter, LoginLimits{PerIPEmail: Limit{"pair", 3, time.Minute}, PerEmail: Limit{"email", 1000, time.Minute}}))
	if _, err := svc.Signup(context.Background(), signup, Client{}); err != nil {
		t.Fatal(err)
	}
	wrong := domain.LoginInput{Email: "ivan@example.com", Password: "guess"}
	for _, ip := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"} {
		for i := range 5 {
			_, err := svc.Login(context.Background(), wrong, ip)
			var limited *RateLimitedError
			if i < 3 && !errors.Is(err, domain.ErrInvalidCredentials) || i >= 3 && !errors.As(err, &limited) {
				t.Fatalf("attempt %d from %s: %v", i+1, ip, err)
			}
		}
	}
	if n := limiter.seen["email ivan@example.com"]; n != 9 {
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
		limits SignupLimits
		second Client
		email  string
	}{
		"per client": {SignupLimits{PerIP: Limit{"ip", 1, minute}}, Client{Key: "k", Range: "other"}, "b@example.com"},
		"per range":  {SignupLimits{PerRange: Limit{"range", 1, minute}}, Client{Key: "other", Range: "r"}, "b@example.com"},
		"per email":  {SignupLimits{PerEmail: Limit{"email", 1, minute}}, Client{Key: "x", Range: "y"}, "A@Example.com"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := &countingHasher{fakeHasher: fakeHasher{version: "v"}}
			d := testDeps(&h.fakeHasher, newMemUsers(), &memLimiter{}, LoginLimits{})
			d.Hasher, d.Signup = h, c.limits
			svc := New(d)
			first := signup
			first.Email = "a@example.com"
			if _, err := svc.Signup(context.Background(), first, Client{Key: "k", Range: "r"}); err != nil {
				t.Fatalf("first signup: %v", err)
			}
			second := signup
			second.Email = c.email
			_, err := svc.Signup(context.Background(), second, c.second)
			var limited *RateLimitedError
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
	h := &countingHasher{fakeHasher: fakeHasher{version: "v"}}
	d := testDeps(&h.fakeHasher, newMemUsers(), &memLimiter{}, LoginLimits{})
	d.Hasher = h
	svc := New(d)
	if _, err := svc.Signup(context.Background(), signup, Client{}); err != nil {
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
	fakeHasher
	hashes int
	low    []bool
}

func (c *countingHasher) Hash(ctx context.Context, pw string) (string, error) {
	c.hashes++
	c.low = append(c.low, LowHashPriority(ctx))
	return c.fakeHasher.Hash(ctx, pw)
}

func (c *countingHasher) Verify(ctx context.Context, pw, hash string) (bool, bool, error) {
	c.low = append(c.low, LowHashPriority(ctx))
	return c.fakeHasher.Verify(ctx, pw, hash)
}
