// Package app holds the auth service's use cases: signup, login and reading
// one's own profile. It depends on the ports declared here; adapters
// implement them and main wires them in.
package app

import (
	"context"
	"errors"
	"time"

	"prana/auth/internal/domain"
)

// UserRepository stores users.
type UserRepository interface {
	// CreateUser returns domain.ErrEmailTaken when the email is registered
	// in any letter case.
	CreateUser(ctx context.Context, u domain.NewUser) (domain.User, error)
	// CredentialsByEmail matches email case-insensitively and returns
	// domain.ErrUserNotFound when nothing matches.
	CredentialsByEmail(ctx context.Context, email string) (domain.Credentials, error)
	// UserByID returns domain.ErrUserNotFound when nothing matches.
	UserByID(ctx context.Context, id string) (domain.User, error)
	// CredentialsByID returns domain.ErrUserNotFound when nothing matches.
	CredentialsByID(ctx context.Context, id string) (domain.Credentials, error)
	// ReplacePasswordHash swaps oldHash for newHash; it does nothing when the
	// stored hash is no longer oldHash.
	ReplacePasswordHash(ctx context.Context, id, oldHash, newHash string) error
}

// PasswordHasher hashes and checks passwords. Both calls may fail with
// ErrBusy when too many hashes are already running or waiting.
type PasswordHasher interface {
	Hash(ctx context.Context, password string) (string, error)
	// Verify reports whether password matches hash and whether hash was made
	// with parameters other than the current ones (and should be replaced).
	Verify(ctx context.Context, password, hash string) (match, outdated bool, err error)
	// Decoy returns a hash in the current format and parameters that no
	// password matches. Making it costs nothing; verifying against it costs
	// exactly what verifying a real hash does.
	Decoy() string
}

// TokenIssuer signs access tokens. sessionID names the session (refresh
// token family) the token belongs to.
type TokenIssuer interface {
	Issue(ctx context.Context, u domain.User, sessionID string) (token string, ttl time.Duration, err error)
}

// Limit is one rate limit: at most Max attempts per key in each window of
// length Per. Max <= 0 means no limit.
type Limit struct {
	Name string // keeps the counts of different limits apart
	Max  int
	Per  time.Duration
}

// LimitHit is one attempt, counted against Limit under Key.
type LimitHit struct {
	Limit Limit
	Key   string
}

// RateLimiter counts attempts for the whole service: every replica sees the
// same counts.
type RateLimiter interface {
	// Take counts one attempt against each limit in turn and stops at the
	// first one already exhausted, so the limits after it do not count a
	// refused attempt. Refused, it returns false and how long until the
	// next attempt would be allowed. It fails with ErrBusy or
	// ErrUnavailable when it cannot count.
	Take(ctx context.Context, hits ...LimitHit) (ok bool, retryAfter time.Duration, err error)
}

// ErrBusy means the service is saturated right now; the client should retry
// later. The HTTP layer answers 503 with Retry-After.
var ErrBusy = errors.New("service busy")

// ErrUnavailable means a dependency (the database) cannot be reached. The
// HTTP layer answers 503 with Retry-After; nothing was changed.
var ErrUnavailable = errors.New("dependency unavailable")

// RateLimitedError means a client made too many attempts.
type RateLimitedError struct {
	RetryAfter time.Duration
}

func (e *RateLimitedError) Error() string { return "too many attempts" }
