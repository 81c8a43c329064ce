package postgres_test

import (
	"testing"
	"time"

	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/app"
	"prana/auth/internal/app/apptest"
)

// The store keeps the contracts of the ports it implements, the same
// suites the app's fakes keep (apptest), here on PostgreSQL: each subtest
// gets a fresh, migrated database.

func stores(t *testing.T) apptest.Stores {
	s, _ := newStore(t)
	return apptest.Stores{Users: s, Sessions: s, Outbox: s}
}

func TestStoreKeepsTheUserRepositoryContract(t *testing.T) {
	t.Parallel()
	apptest.RunUserRepositoryContract(t, func(t *testing.T) app.UserRepository { s, _ := newStore(t); return s })
}

func TestStoreKeepsTheSessionStoreContract(t *testing.T) {
	t.Parallel()
	apptest.RunSessionStoreContract(t, stores)
}

func TestStoreKeepsTheErasureOutboxContract(t *testing.T) {
	t.Parallel()
	apptest.RunErasureOutboxContract(t, stores)
}

func TestLimiterKeepsTheRateLimiterContract(t *testing.T) {
	t.Parallel()
	apptest.RunRateLimiterContract(t, func(t *testing.T) app.RateLimiter {
		_, pool := newStore(t)
		return postgres.NewLimiter(pool, 5*time.Second)
	})
}

func TestKeyStoreKeepsTheSigningKeyStoreContract(t *testing.T) {
	t.Parallel()
	apptest.RunSigningKeyStoreContract(t, func(t *testing.T) app.SigningKeyStore {
		_, pool := newStore(t)
		return postgres.NewKeyStore(pool, newSealer(t, "s"))
	})
}
