package app

import (
	"context"
	"fmt"
	"time"

	"prana/auth/internal/domain"
)

// Caller is who an access token names.
type Caller struct {
	UserID, SessionID, ClientIP string
}

// ChangePassword replaces the caller's password after checking the current
// one under the login limits, and ends every other session of theirs.
func (s *Service) ChangePassword(ctx context.Context, c Caller, current, next string) error {
	if err := domain.CheckPasswordChange(current, next); err != nil {
		return err
	}
	cred, err := s.confirmPassword(ctx, c, current)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if err := s.users.ReplacePasswordHash(ctx, c.UserID, cred.PasswordHash, hash); err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if err := s.sessions.EndOtherSessions(ctx, c.UserID, c.SessionID, s.now()); err != nil {
		return fmt.Errorf("change password: end other sessions: %w", err)
	}
	s.log.InfoContext(ctx, "password changed; other sessions ended", "user_id", c.UserID)
	return nil
}

// DeleteAccount erases the caller after checking their password: the user
// and their sessions at once, their files in S3 through the erasure relay,
// now and again once every access token issued before has expired.
func (s *Service) DeleteAccount(ctx context.Context, c Caller, password string) error {
	if err := domain.CheckPasswordGiven(password); err != nil {
		return err
	}
	if _, err := s.confirmPassword(ctx, c, password); err != nil {
		return fmt.Errorf("delete account: %w", err)
	}
	now := s.now()
	if err := s.sessions.EraseUser(ctx, c.UserID, []time.Time{now, now.Add(s.policy.ErasureRepeat)}); err != nil {
		return fmt.Errorf("delete account: %w", err)
	}
	s.log.InfoContext(ctx, "account erased", "user_id", c.UserID)
	return nil
}

// confirmPassword checks the caller's password under the login limits; a
// wrong one counts as a failed login.
func (s *Service) confirmPassword(ctx context.Context, c Caller, password string) (domain.Credentials, error) {
	cred, err := s.users.CredentialsByID(ctx, c.UserID)
	if err != nil {
		return domain.Credentials{}, err
	}
	if err := s.checkLimits(ctx, c.ClientIP, domain.EmailKey(cred.User.Email)); err != nil {
		return domain.Credentials{}, err
	}
	match, _, err := s.hasher.Verify(ctx, password, cred.PasswordHash)
	if err != nil {
		return domain.Credentials{}, err
	}
	if !match {
		return domain.Credentials{}, domain.ErrWrongPassword
	}
	return cred, nil
}
