package apptest

import (
	"context"
	"sync"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/domain"
)

// Sessions is an in-memory app.SessionStore. One mutex stands for the row
// locks of the real store. A method named in fail answers that error and
// changes nothing, as a transaction that cannot commit.
type Sessions struct {
	mu       sync.Mutex
	users    *Users
	families map[string]*sessionFamily
	tokens   map[string]*sessionToken // by string(hash)
	outbox   *Outbox
	fail     map[string]error // method name → error
}

// Failing makes method answer err from now on; a nil err heals it.
func (m *Sessions) Failing(method string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail[method] = err
}

type sessionFamily struct {
	userID                       string
	created, lastUsed, revokedAt time.Time
}

type sessionToken struct {
	family          string
	spentAt         time.Time
	successorSealed []byte
}

// NewSessions returns a Sessions of users, whose EraseUser records its
// erasures in outbox.
func NewSessions(users *Users, outbox *Outbox) *Sessions {
	return &Sessions{users: users, outbox: outbox, families: map[string]*sessionFamily{}, tokens: map[string]*sessionToken{}, fail: map[string]error{}}
}

// StartSession records a new family with its first refresh token.
func (m *Sessions) StartSession(_ context.Context, family, userID string, hash []byte, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["StartSession"]; err != nil {
		return err
	}
	m.families[family] = &sessionFamily{userID: userID, created: now, lastUsed: now}
	m.tokens[string(hash)] = &sessionToken{family: family}
	return nil
}

// UseRefreshToken looks the token up and applies what use decides.
func (m *Sessions) UseRefreshToken(_ context.Context, hash []byte, use func(app.RefreshRecord) (app.RefreshUse, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["UseRefreshToken"]; err != nil {
		return err
	}
	t, ok := m.tokens[string(hash)]
	if !ok {
		return app.ErrRefreshUnknown
	}
	f := m.families[t.family]
	u, err := use(app.RefreshRecord{
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
		m.tokens[string(u.SuccessorHash)] = &sessionToken{family: t.family}
		f.lastUsed = u.Now
	}
	return nil
}

// EndSessionOf ends the family the token belongs to.
func (m *Sessions) EndSessionOf(_ context.Context, hash []byte, now time.Time) error {
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

// EndOtherSessions ends every family of userID but keep.
func (m *Sessions) EndOtherSessions(_ context.Context, userID, keep string, now time.Time) error {
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

// EraseUser removes the user and their sessions, and queues the erasure at each due time.
func (m *Sessions) EraseUser(_ context.Context, userID string, dueAt []time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["EraseUser"]; err != nil {
		return err
	}
	if !m.users.remove(userID) {
		return domain.ErrUserNotFound
	}
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
		m.outbox.Record(userID, d)
	}
	return nil
}

var _ app.SessionStore = (*Sessions)(nil)

// Erasures lists every erasure EraseUser recorded, sent or not.
func (m *Sessions) Erasures() []Erasure { return m.outbox.Recorded() }

// Tokens counts the stored refresh tokens, spent ones included.
func (m *Sessions) Tokens() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tokens)
}

// FamilyOf names the session (family) of the token with that hash.
func (m *Sessions) FamilyOf(hash []byte) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[string(hash)]
	if !ok {
		return "", false
	}
	return t.family, true
}
