package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"prana/auth/internal/domain"
)

// SessionPolicy says how long sessions (refresh token families) live.
type SessionPolicy struct {
	TTL           time.Duration // from the login (REFRESH_TOKEN_TTL)
	IdleTimeout   time.Duration // without a refresh (REFRESH_IDLE_TIMEOUT)
	ReuseInterval time.Duration // a spent token still answers its successor (REFRESH_REUSE_INTERVAL)
	// ErasureRepeat is when an erasure is done again: once every access
	// token issued before it has expired (lifetime plus leeway).
	ErasureRepeat time.Duration
}

// RefreshRecord is a stored refresh token and its family, as one refresh
// finds them.
type RefreshRecord struct {
	FamilyID, UserID string
	SpentAt          time.Time // zero: not spent
	SuccessorSealed  []byte    // the token that replaced it, sealed (see sealSuccessor)
	FamilyCreated    time.Time
	FamilyLastUsed   time.Time
	FamilyRevoked    time.Time // zero: not revoked
}

// RefreshUse is what one refresh writes.
type RefreshUse struct {
	// Spend marks the token spent at Now and stores its successor.
	Spend           bool
	SuccessorHash   []byte
	SuccessorSealed []byte
	// RevokeFamily ends the session (a spent token presented again).
	RevokeFamily bool
	Now          time.Time
}

// SessionStore keeps sessions: families of refresh tokens, one per login.
type SessionStore interface {
	// StartSession records a new family for userID with its first token.
	StartSession(ctx context.Context, familyID, userID string, tokenHash []byte, now time.Time) error
	// UseRefreshToken runs use on the token with that hash and its family,
	// locked against concurrent use of either, and writes what use returns,
	// in one transaction. It fails with ErrRefreshUnknown when no token has
	// that hash.
	UseRefreshToken(ctx context.Context, tokenHash []byte, use func(RefreshRecord) (RefreshUse, error)) error
	// EndSessionOf revokes the family of the token with that hash; an
	// unknown token is not an error.
	EndSessionOf(ctx context.Context, tokenHash []byte, now time.Time) error
	// EndOtherSessions revokes every family of userID but keepFamilyID.
	EndOtherSessions(ctx context.Context, userID, keepFamilyID string, now time.Time) error
	// EraseUser deletes the user and every session of theirs, and records
	// an erasure due at each of dueAt for the relay, in one transaction.
	// It fails with domain.ErrUserNotFound when the user is gone.
	EraseUser(ctx context.Context, userID string, dueAt []time.Time) error
}

// ErrRefreshUnknown means no stored refresh token has the hash.
var ErrRefreshUnknown = errors.New("refresh token unknown")

// startSession opens a session for u and issues its first pair of tokens.
func (s *Service) startSession(ctx context.Context, u domain.User) (Token, error) {
	now := s.now()
	family, refresh := domain.NewUserID(now), newRefreshToken()
	hash, _ := refreshHash(refresh)
	if err := s.sessions.StartSession(ctx, family, u.ID, hash, now); err != nil {
		return Token{}, fmt.Errorf("start session: %w", err)
	}
	return s.pair(ctx, u, family, refresh, now, now)
}

// pair issues an access token for the session and hands back its refresh
// token, with the time left until the session's end.
func (s *Service) pair(ctx context.Context, u domain.User, family, refresh string, created, now time.Time) (Token, error) {
	access, ttl, err := s.tokens.Issue(ctx, u, family)
	if err != nil {
		return Token{}, fmt.Errorf("issue token: %w", err)
	}
	return Token{Value: access, TTL: ttl, Refresh: refresh, RefreshTTL: created.Add(s.policy.TTL).Sub(now)}, nil
}

// Refresh spends a refresh token for a new pair. A spent token presented
// again after the reuse interval revokes its whole family: either the
// client or a thief holds a copy, and the two cannot be told apart.
func (s *Service) Refresh(ctx context.Context, token string) (Token, error) {
	hash, ok := refreshHash(token)
	if !ok {
		return Token{}, domain.ErrInvalidRefreshToken
	}
	now := s.now()
	var (
		found   RefreshRecord
		next    string
		refusal error
	)
	err := s.sessions.UseRefreshToken(ctx, hash, func(r RefreshRecord) (RefreshUse, error) {
		found = r
		use, n, why := s.decideRefresh(r, token, hash, now)
		next, refusal = n, why
		return use, nil
	})
	switch {
	case errors.Is(err, ErrRefreshUnknown):
		return Token{}, domain.ErrInvalidRefreshToken
	case err != nil:
		return Token{}, fmt.Errorf("refresh: %w", err)
	case refusal != nil:
		return Token{}, refusal
	}
	u, err := s.users.UserByID(ctx, found.UserID)
	if errors.Is(err, domain.ErrUserNotFound) {
		return Token{}, domain.ErrInvalidRefreshToken
	}
	if err != nil {
		return Token{}, fmt.Errorf("refresh: %w", err)
	}
	return s.pair(ctx, u, found.FamilyID, next, found.FamilyCreated, now)
}

// decideRefresh is the refresh rule: the successor to hand out, or why not.
func (s *Service) decideRefresh(r RefreshRecord, token string, hash []byte, now time.Time) (RefreshUse, string, error) {
	switch {
	case !r.FamilyRevoked.IsZero(),
		!now.Before(r.FamilyCreated.Add(s.policy.TTL)),
		!now.Before(r.FamilyLastUsed.Add(s.policy.IdleTimeout)):
		return RefreshUse{}, "", domain.ErrInvalidRefreshToken
	case r.SpentAt.IsZero():
		next := newRefreshToken()
		nextHash, _ := refreshHash(next)
		return RefreshUse{Spend: true, SuccessorHash: nextHash, SuccessorSealed: sealSuccessor(token, hash, next), Now: now}, next, nil
	case now.Sub(r.SpentAt) <= s.policy.ReuseInterval && r.SuccessorSealed != nil:
		if next, err := openSuccessor(token, hash, r.SuccessorSealed); err == nil {
			return RefreshUse{}, next, nil
		}
	}
	s.log.Warn("spent refresh token presented again: session revoked", "user_id", r.UserID, "session_id", r.FamilyID)
	return RefreshUse{RevokeFamily: true, Now: now}, "", domain.ErrInvalidRefreshToken
}

// Logout ends the session of a refresh token. It says nothing about tokens
// it does not know.
func (s *Service) Logout(ctx context.Context, token string) error {
	hash, ok := refreshHash(token)
	if !ok {
		return nil
	}
	if err := s.sessions.EndSessionOf(ctx, hash, s.now()); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}
