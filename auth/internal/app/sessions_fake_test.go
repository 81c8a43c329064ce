package app

import (
	"context"
	"sync"
	"time"

	"prana/auth/internal/domain"
)

var testSessionPolicy = SessionPolicy{
	TTL: 30 * 24 * time.Hour, IdleTimeout: 7 * 24 * time.Hour, ReuseInterval: 10 * time.Second, ErasureRepeat: time.Hour,
}

// memSessions is an in-memory SessionStore. One mutex stands for the row
// locks of the real store. A method named in fail answers that error and
// changes nothing, as a transaction that cannot commit.
type memSessions struct {
	mu       sync.Mutex
	users    *memUsers
	families map[string]*memFamily
	tokens   map[string]*memToken // by string(hash)
	erasures []erasure
	fail     map[string]error // method name → error
}

// failing makes method answer err from now on; a nil err heals it.
func (m *memSessions) failing(method string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail[method] = err
}

type memFamily struct {
	userID                       string
	created, lastUsed, revokedAt time.Time
}

type memToken struct {
	family          string
	spentAt         time.Time
	successorSealed []byte
}

type erasure struct {
	userID string
	due    time.Time
}

func newMemSessions(users *memUsers) *memSessions {
	return &memSessions{users: users, families: map[string]*memFamily{}, tokens: map[string]*memToken{}, fail: map[string]error{}}
}

func (m *memSessions) StartSession(_ context.Context, family, userID string, hash []byte, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["StartSession"]; err != nil {
		return err
	}
	m.families[family] = &memFamily{userID: userID, created: now, lastUsed: now}
	m.tokens[string(hash)] = &memToken{family: family}
	return nil
}

func (m *memSessions) UseRefreshToken(_ context.Context, hash []byte, use func(RefreshRecord) (RefreshUse, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["UseRefreshToken"]; err != nil {
		return err
	}
	t, ok := m.tokens[string(hash)]
	if !ok {
		return ErrRefreshUnknown
	}
	f := m.families[t.family]
	u, err := use(RefreshRecord{
		FamilyID: t.family, UserID: f.userID, SpentAt: t.spentAt, SuccessorSealed: t.successorSealed,
		FamilyCreated: f.created, FamilyLastUsed: f.lastUsed, FamilyRevoked: f.revokedAt,
	})
	if err != nil {
		return err
	}
	switch {
	case u.RevokeFamily:
		if f.revokedAt.IsZero() {
			f.revokedAt = u.Now
		}
	case u.Spend:
		t.spentAt, t.successorSealed = u.Now, u.SuccessorSealed
		m.tokens[string(u.SuccessorHash)] = &memToken{family: t.family}
		f.lastUsed = u.Now
	}
	return nil
}

func (m *memSessions) EndSessionOf(_ context.Context, hash []byte, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["EndSessionOf"]; err != nil {
		return err
	}
	if t, ok := m.tokens[string(hash)]; ok && m.families[t.family].revokedAt.IsZero() {
		m.families[t.family].revokedAt = now
	}
	return nil
}

func (m *memSessions) EndOtherSessions(_ context.Context, userID, keep string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["EndOtherSessions"]; err != nil {
		return err
	}
	for id, f := range m.families {
		if f.userID == userID && id != keep && f.revokedAt.IsZero() {
			f.revokedAt = now
		}
	}
	return nil
}

func (m *memSessions) EraseUser(_ context.Context, userID string, dueAt []time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["EraseUser"]; err != nil {
		return err
	}
	m.users.mu.Lock()
	defer m.users.mu.Unlock()
	if _, ok := m.users.byID[userID]; !ok {
		return domain.ErrUserNotFound
	}
	delete(m.users.byID, userID)
	for id, f := range m.families {
		if f.userID == userID {
			delete(m.families, id)
			for h, t := range m.tokens {
				if t.family == id {
					delete(m.tokens, h)
				}
			}
		}
	}
	for _, d := range dueAt {
		m.erasures = append(m.erasures, erasure{userID, d})
	}
	return nil
}

var _ SessionStore = (*memSessions)(nil)
