package apptest

import (
	"context"
	"sync"
	"time"

	"prana/auth/internal/app"
)

// KeyStore is an in-memory app.SigningKeyStore whose clock, Now, the test
// sets. Keys holds the stored keys, oldest first.
type KeyStore struct {
	mu   sync.Mutex
	Keys []app.SigningKey
	Now  time.Time
}

// SigningKeys returns the stored keys, expired ones without their private
// half.
func (m *KeyStore) SigningKeys(context.Context) ([]app.SigningKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.copyKeys(), nil
}

// ChangeSigningKeys wipes the private halves of expired keys, runs plan on
// the keys and Now, and writes its change: new keys (a kid already stored
// is left alone) and new ends.
func (m *KeyStore) ChangeSigningKeys(_ context.Context, plan app.KeyPlan) (app.KeyChange, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wipeExpired()
	c, err := plan(m.copyKeys(), m.Now)
	if err != nil {
		return app.KeyChange{}, err
	}
	for _, k := range c.Add {
		if !m.has(k.ID) {
			k.Created = m.Now
			m.Keys = append(m.Keys, k)
		}
	}
	for _, e := range c.End {
		for i := range m.Keys {
			if m.Keys[i].ID == e.ID {
				m.Keys[i].SignUntil, m.Keys[i].PublishUntil = e.SignUntil, e.PublishUntil
			}
		}
	}
	return c, nil
}

func (m *KeyStore) has(id string) bool {
	for _, k := range m.Keys {
		if k.ID == id {
			return true
		}
	}
	return false
}

func (m *KeyStore) wipeExpired() {
	for i, k := range m.Keys {
		if k.State(m.Now) == app.KeyExpired {
			m.Keys[i].Private = nil
		}
	}
}

func (m *KeyStore) copyKeys() []app.SigningKey {
	keys := append([]app.SigningKey(nil), m.Keys...)
	for i, k := range keys {
		if k.State(m.Now) == app.KeyExpired {
			keys[i].Private = nil
		}
	}
	return keys
}

var _ app.SigningKeyStore = (*KeyStore)(nil)
