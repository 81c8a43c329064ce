package app_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/app/apptest"
	"prana/auth/internal/domain"
)

type fixedCensus struct {
	settings []string
	err      error
}

func (c *fixedCensus) HashSettingsInUse(context.Context) ([]string, error) { return c.settings, c.err }

const (
	currentSettings = "$argon2id$v=19$m=19456,t=2,p=1"
	seedSettings    = "$argon2id$v=19$m=102400,t=2,p=8"
)

func newDecoyService(t *testing.T, census app.HashCensus) (*app.Service, *apptest.SettingsHasher) {
	t.Helper()
	h := &apptest.SettingsHasher{Current: currentSettings}
	users := apptest.NewUsers()
	for email, settings := range map[string]string{"current@example.com": currentSettings, "seed@example.com": seedSettings} {
		if _, err := users.CreateUser(t.Context(), domain.NewUser{
			ID: domain.NewUserID(time.Now()), Name: "A", Surname: "B", Email: email,
			PasswordHash: settings + ":right password",
		}); err != nil {
			t.Fatal(err)
		}
	}
	d := testDeps(&apptest.Hasher{}, users, frozenLimiter(), app.LoginLimits{})
	d.Hasher, d.Decoys, d.Census = h, h, census
	return app.New(d), h
}

// TestFailedLoginsCostTheSameWhateverTheHash: issue 15, finding 8. With a
// seed hash in the table, an unknown email, a wrong password for a current
// hash and one for a seed hash each verify once with each parameter set.
func TestFailedLoginsCostTheSameWhateverTheHash(t *testing.T) {
	t.Parallel()
	svc, h := newDecoyService(t, &fixedCensus{settings: []string{seedSettings, currentSettings}})
	if err := svc.RefreshHashCensus(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := []string{seedSettings, currentSettings}
	slices.Sort(want)
	for _, email := range []string{"nobody@example.com", "current@example.com", "seed@example.com"} {
		_, err := svc.Login(t.Context(), domain.LoginInput{Email: email, Password: "wrong password"}, "192.0.2.1")
		if !errors.Is(err, domain.ErrInvalidCredentials) {
			t.Fatalf("%s: %v", email, err)
		}
		if got := h.Costs(); !slices.Equal(got, want) {
			t.Errorf("%s, wrong password: verified %q, want one of each of %q", email, got, want)
		}
	}
	// The seed user's successful login costs as much (verification and
	// rehash); a current user's costs one verification.
	if _, err := svc.Login(t.Context(), domain.LoginInput{Email: "current@example.com", Password: "right password"}, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if got := h.Costs(); !slices.Equal(got, []string{currentSettings}) {
		t.Errorf("current user, right password: verified %q", got)
	}
}

// TestDecoysFollowTheCensus: once the census no longer finds the seed's
// parameters (every seed user upgraded), failed logins go back to one
// verification; a seed hash met at login before any census joins at once.
func TestDecoysFollowTheCensus(t *testing.T) {
	t.Parallel()
	census := &fixedCensus{settings: []string{seedSettings}}
	svc, h := newDecoyService(t, census)
	unknown := func() []string {
		t.Helper()
		_, err := svc.Login(t.Context(), domain.LoginInput{Email: "nobody@example.com", Password: "x"}, "192.0.2.1")
		if !errors.Is(err, domain.ErrInvalidCredentials) {
			t.Fatal(err)
		}
		return h.Costs()
	}
	if got := unknown(); !slices.Equal(got, []string{currentSettings}) {
		t.Errorf("before any census: unknown email verified %q", got)
	}
	_, _ = svc.Login(t.Context(), domain.LoginInput{Email: "seed@example.com", Password: "x"}, "192.0.2.1")
	h.Costs()
	if got := unknown(); len(got) != 2 {
		t.Errorf("after a seed hash was met: unknown email verified %q, want both settings", got)
	}

	census.settings = []string{currentSettings, "garbage"}
	if err := svc.RefreshHashCensus(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := unknown(); !slices.Equal(got, []string{currentSettings}) {
		t.Errorf("after the upgrades: unknown email verified %q", got)
	}

	census.err = errors.New("database down")
	if err := svc.RefreshHashCensus(t.Context()); err == nil {
		t.Error("a failed census read was not reported")
	}
	if got := unknown(); !slices.Equal(got, []string{currentSettings}) {
		t.Errorf("after a failed census: unknown email verified %q, want the previous set", got)
	}
}

// TestBusyDecoyIsNotAWrongPassword: when the hashing queue refuses a decoy,
// the login fails as busy (503, retry), not as invalid credentials: a 401
// earlier than usual would tell that the email exists.
func TestBusyDecoyIsNotAWrongPassword(t *testing.T) {
	t.Parallel()
	svc, h := newDecoyService(t, &fixedCensus{settings: []string{seedSettings}})
	if err := svc.RefreshHashCensus(t.Context()); err != nil {
		t.Fatal(err)
	}
	h.BusyWith(seedSettings)
	for _, email := range []string{"current@example.com", "nobody@example.com"} {
		_, err := svc.Login(t.Context(), domain.LoginInput{Email: email, Password: "wrong password"}, "192.0.2.1")
		if !errors.Is(err, app.ErrBusy) || errors.Is(err, domain.ErrInvalidCredentials) {
			t.Errorf("%s: %v, want ErrBusy", email, err)
		}
	}
}
