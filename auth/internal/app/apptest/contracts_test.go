package apptest_test

import (
	"testing"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/app/apptest"
)

// The fakes keep the contracts their real adapters keep (see the postgres
// adapter's tests for the other side).

func fakeStores(*testing.T) apptest.Stores {
	users, outbox := apptest.NewUsers(), apptest.NewOutbox()
	return apptest.Stores{Users: users, Sessions: apptest.NewSessions(users, outbox), Outbox: outbox}
}

func TestUsersKeepTheUserRepositoryContract(t *testing.T) {
	t.Parallel()
	apptest.RunUserRepositoryContract(t, func(*testing.T) app.UserRepository { return apptest.NewUsers() })
}

func TestSessionsKeepTheSessionStoreContract(t *testing.T) {
	t.Parallel()
	apptest.RunSessionStoreContract(t, fakeStores)
}

func TestOutboxKeepsTheErasureOutboxContract(t *testing.T) {
	t.Parallel()
	apptest.RunErasureOutboxContract(t, fakeStores)
}

func TestLimiterKeepsTheRateLimiterContract(t *testing.T) {
	t.Parallel()
	apptest.RunRateLimiterContract(t, func(*testing.T) app.RateLimiter { return &apptest.Limiter{} })
}

func TestKeyStoreKeepsTheSigningKeyStoreContract(t *testing.T) {
	t.Parallel()
	apptest.RunSigningKeyStoreContract(t, func(*testing.T) app.SigningKeyStore { return &apptest.KeyStore{Now: time.Now().UTC()} })
}

func TestHasherKeepsThePasswordHasherContract(t *testing.T) {
	t.Parallel()
	apptest.RunPasswordHasherContract(t, func(*testing.T) app.PasswordHasher { return &apptest.Hasher{Version: "v1"} })
}

func TestSettingsHasherKeepsTheDecoyHasherContract(t *testing.T) {
	t.Parallel()
	apptest.RunDecoyHasherContract(t, func(*testing.T) apptest.DecoyHasherUnderTest {
		return &apptest.SettingsHasher{Current: "$fake$v=2"}
	}, "$fake$v=1:seed-password-1")
}
