package httpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/domain"
	"prana/shared/jwtverify"
)

// Fakes of the app's ports for FuzzAuthBody: the fuzz target runs in many
// processes at once and must not need PostgreSQL or real argon2.

// memUsers is an in-memory app.UserRepository.
type memUsers struct {
	mu      sync.Mutex
	byEmail map[string]domain.Credentials
}

func newMemUsers() *memUsers { return &memUsers{byEmail: map[string]domain.Credentials{}} }

func (m *memUsers) CreateUser(_ context.Context, u domain.NewUser) (domain.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := strings.ToLower(u.Email)
	if _, ok := m.byEmail[key]; ok {
		return domain.User{}, domain.ErrEmailTaken
	}
	if len(m.byEmail) > 10000 { // fuzzing runs long: stay small
		clear(m.byEmail)
	}
	user := domain.User{ID: u.ID, Name: u.Name, Surname: u.Surname, Email: u.Email, DateOfBirth: u.DateOfBirth, CreatedAt: time.Now()}
	m.byEmail[key] = domain.Credentials{User: user, PasswordHash: u.PasswordHash}
	return user, nil
}

func (m *memUsers) CredentialsByEmail(_ context.Context, email string) (domain.Credentials, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.byEmail[strings.ToLower(email)]
	if !ok {
		return domain.Credentials{}, domain.ErrUserNotFound
	}
	return c, nil
}

func (m *memUsers) UserByID(_ context.Context, id string) (domain.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.byEmail {
		if c.User.ID == id {
			return c.User, nil
		}
	}
	return domain.User{}, domain.ErrUserNotFound
}

func (m *memUsers) CredentialsByID(_ context.Context, id string) (domain.Credentials, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.byEmail {
		if c.User.ID == id {
			return c, nil
		}
	}
	return domain.Credentials{}, domain.ErrUserNotFound
}

func (m *memUsers) ReplacePasswordHash(_ context.Context, id, oldHash, newHash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, c := range m.byEmail {
		if c.User.ID == id && c.PasswordHash == oldHash {
			c.PasswordHash = newHash
			m.byEmail[k] = c
		}
	}
	return nil
}

// fakeHasher "hashes" with one round of SHA-256: fast enough to fuzz.
type fakeHasher struct{}

func (fakeHasher) Hash(_ context.Context, pw string) (string, error) {
	sum := sha256.Sum256([]byte(pw))
	return "fake$" + hex.EncodeToString(sum[:]), nil
}

func (h fakeHasher) Verify(ctx context.Context, pw, hash string) (bool, bool, error) {
	want, _ := h.Hash(ctx, pw)
	return want == hash, false, nil
}

func (fakeHasher) Decoy() string { return "fake$decoy" }

type fakeTokens struct{}

func (fakeTokens) Issue(_ context.Context, u domain.User, _ string) (string, time.Duration, error) {
	return "fake-token-for-" + u.ID, time.Hour, nil
}

// rejectAll is a token verifier that accepts nothing (no route fuzzed here
// needs one).
type rejectAll struct{}

func (rejectAll) Verify(context.Context, string) (jwtverify.Claims, error) {
	return jwtverify.Claims{}, jwtverify.ErrInvalid
}

var (
	_ app.UserRepository = (*memUsers)(nil)
	_ app.PasswordHasher = fakeHasher{}
	_ app.TokenIssuer    = fakeTokens{}
)

// noLimits allows every attempt.
type noLimits struct{}

func (noLimits) Take(context.Context, ...app.LimitHit) (bool, time.Duration, error) {
	return true, 0, nil
}

// noSessions knows no refresh token: the fuzzed bodies only reach it with
// made-up ones.
type noSessions struct{}

func (noSessions) StartSession(context.Context, string, string, []byte, time.Time) error { return nil }
func (noSessions) UseRefreshToken(context.Context, []byte, func(app.RefreshRecord) (app.RefreshUse, error)) error {
	return app.ErrRefreshUnknown
}
func (noSessions) EndSessionOf(context.Context, []byte, time.Time) error             { return nil }
func (noSessions) EndOtherSessions(context.Context, string, string, time.Time) error { return nil }
func (noSessions) EraseUser(context.Context, string, []time.Time) error              { return nil }
