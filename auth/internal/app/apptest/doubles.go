package apptest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/domain"
)

// Hasher is an app.PasswordHasher that "hashes" as "<Version>:<password>"
// and counts verifications. Err fails every call; FailHash fails only Hash
// (a saturated pool can let one call through and refuse the next). A hash
// of another version is outdated.
type Hasher struct {
	mu       sync.Mutex
	Version  string
	Err      error
	verifies int
	hashErr  error
}

// Hash returns Version + ":" + pw.
func (f *Hasher) Hash(_ context.Context, pw string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Err != nil {
		return "", f.Err
	}
	if f.hashErr != nil {
		return "", f.hashErr
	}
	return f.Version + ":" + pw, nil
}

// FailHash makes Hash answer err from now on; a nil err heals it.
func (f *Hasher) FailHash(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hashErr = err
}

// Verify checks pw against hash and counts the call.
func (f *Hasher) Verify(_ context.Context, pw, hash string) (bool, bool, error) {
	f.mu.Lock()
	f.verifies++
	err, version := f.Err, f.Version
	f.mu.Unlock()
	if err != nil {
		return false, false, err
	}
	v, p, _ := strings.Cut(hash, ":")
	return p == pw, v != version, nil
}

// Verifies counts the Verify calls.
func (f *Hasher) Verifies() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.verifies
}

// Decoy is a hash of the current version that no test password matches.
func (f *Hasher) Decoy() string { return f.Version + ":\x00decoy" }

// Tokens is an app.TokenIssuer of readable tokens, or failing with Err.
type Tokens struct{ Err error }

// Issue returns "token-for-<user id>-in-<session id>", valid an hour.
func (f Tokens) Issue(_ context.Context, u domain.User, sid string) (string, time.Duration, error) {
	if f.Err != nil {
		return "", 0, f.Err
	}
	return "token-for-" + u.ID + "-in-" + sid, time.Hour, nil
}

// Publisher is an app.ErasurePublisher that records what it sent, or
// fails while Down.
type Publisher struct {
	mu   sync.Mutex
	Down bool
	sent []string
}

// PublishErasure records userID unless Down.
func (p *Publisher) PublishErasure(_ context.Context, userID string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Down {
		return errors.New("SQS is down")
	}
	p.sent = append(p.sent, userID)
	return nil
}

// Sent lists the erasures sent, in order.
func (p *Publisher) Sent() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.sent...)
}

var (
	_ app.PasswordHasher   = (*Hasher)(nil)
	_ app.TokenIssuer      = Tokens{}
	_ app.ErasurePublisher = (*Publisher)(nil)
)
