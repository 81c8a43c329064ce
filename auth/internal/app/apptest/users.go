package apptest

import (
	"context"
	"errors"
	"sync"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/domain"
)

// Users is an in-memory app.UserRepository. A method named in Failing
// answers that error instead, as a real store does when the database is
// unreachable.
type Users struct {
	mu    sync.Mutex
	byID  map[string]domain.Credentials
	swaps int
	fail  map[string]error // method name → error
}

// NewUsers returns an empty Users.
func NewUsers() *Users {
	return &Users{byID: map[string]domain.Credentials{}, fail: map[string]error{}}
}

// ErrIDTaken is the fake's answer to a new user whose id is taken: a
// failure, but not domain.ErrEmailTaken, as with the real store.
var ErrIDTaken = errors.New("user id taken")

// Failing makes method answer err from now on; a nil err heals it.
func (m *Users) Failing(method string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail[method] = err
}

// Put stores c as it is, replacing any user with its id.
func (m *Users) Put(c domain.Credentials) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byID[c.User.ID] = c
}

// HashOf is the stored hash of user id.
func (m *Users) HashOf(id string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.byID[id].PasswordHash
}

// Swaps counts the hashes ReplacePasswordHash replaced.
func (m *Users) Swaps() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.swaps
}

// CreateUser stores u unless its email (by domain.EmailKey) or its id is
// taken.
func (m *Users) CreateUser(_ context.Context, u domain.NewUser) (domain.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["CreateUser"]; err != nil {
		return domain.User{}, err
	}
	for _, c := range m.byID {
		if domain.EmailKey(c.User.Email) == domain.EmailKey(u.Email) {
			return domain.User{}, domain.ErrEmailTaken
		}
	}
	if _, ok := m.byID[u.ID]; ok {
		return domain.User{}, ErrIDTaken
	}
	user := domain.User{ID: u.ID, Name: u.Name, Surname: u.Surname, Email: u.Email, DateOfBirth: u.DateOfBirth, CreatedAt: time.Now()}
	m.byID[u.ID] = domain.Credentials{User: user, PasswordHash: u.PasswordHash}
	return user, nil
}

// CredentialsByEmail finds a user by domain.EmailKey.
func (m *Users) CredentialsByEmail(_ context.Context, email string) (domain.Credentials, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["CredentialsByEmail"]; err != nil {
		return domain.Credentials{}, err
	}
	for _, c := range m.byID {
		if domain.EmailKey(c.User.Email) == domain.EmailKey(email) {
			return c, nil
		}
	}
	return domain.Credentials{}, domain.ErrUserNotFound
}

// UserByID finds a user by id.
func (m *Users) UserByID(ctx context.Context, id string) (domain.User, error) {
	m.mu.Lock()
	err := m.fail["UserByID"]
	m.mu.Unlock()
	if err != nil {
		return domain.User{}, err
	}
	c, err := m.credentials(id)
	return c.User, err
}

// CredentialsByID finds a user and their hash by id.
func (m *Users) CredentialsByID(_ context.Context, id string) (domain.Credentials, error) {
	m.mu.Lock()
	err := m.fail["CredentialsByID"]
	m.mu.Unlock()
	if err != nil {
		return domain.Credentials{}, err
	}
	return m.credentials(id)
}

func (m *Users) credentials(id string) (domain.Credentials, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.byID[id]
	if !ok {
		return domain.Credentials{}, domain.ErrUserNotFound
	}
	return c, nil
}

// ReplacePasswordHash swaps oldHash for newHash if oldHash is stored.
func (m *Users) ReplacePasswordHash(_ context.Context, id, oldHash, newHash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fail["ReplacePasswordHash"]; err != nil {
		return err
	}
	c, ok := m.byID[id]
	if ok && c.PasswordHash == oldHash {
		c.PasswordHash = newHash
		m.byID[id] = c
		m.swaps++
	}
	return nil
}

// remove deletes user id; false when there was none.
func (m *Users) remove(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.byID[id]; !ok {
		return false
	}
	delete(m.byID, id)
	return true
}

var _ app.UserRepository = (*Users)(nil)
