package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"prana/auth/internal/domain"
)

// LoginLimits are the login rate limits.
//
// An attacker controls the address but not the victim's: a limit keyed by
// the email alone would let anyone lock a user out by failing logins in
// their name. So the tight limits key on the client address and on the
// (address, email) pair; PerEmail is only a backstop against one account
// guessed at from many addresses and should be set far above the pair
// limit, since an attacker with enough addresses can trip it.
type LoginLimits struct {
	PerIP, PerIPEmail, PerEmail Limit
}

// Service runs the auth use cases.
type Service struct {
	users    UserRepository
	hasher   PasswordHasher
	tokens   TokenIssuer
	limiter  RateLimiter
	sessions SessionStore
	limits   LoginLimits
	policy   SessionPolicy
	log      *slog.Logger
	now      func() time.Time
	// decoyHasher and census are optional: without them, failed logins
	// verify one decoy with the current parameters (see decoys.go).
	decoyHasher DecoyHasher
	census      HashCensus
	decoyMu     sync.Mutex
	decoys      map[string]string // settings in use → a decoy with them; made on first need

	signupLimits SignupLimits
}

// Deps are the ports and settings a Service runs on; none may be nil.
type Deps struct {
	Users    UserRepository
	Hasher   PasswordHasher
	Tokens   TokenIssuer
	Limiter  RateLimiter
	Sessions SessionStore
	Limits   LoginLimits
	Signup   SignupLimits
	Policy   SessionPolicy
	Log      *slog.Logger
	// Decoys and Census make failed logins cost the same whatever the
	// parameters of the user's hash (decoys.go). Both may be nil.
	Decoys DecoyHasher
	Census HashCensus
}

// New returns a Service on d.
func New(d Deps) *Service {
	return &Service{
		users: d.Users, hasher: d.Hasher, tokens: d.Tokens, limiter: d.Limiter, sessions: d.Sessions,
		limits: d.Limits, signupLimits: d.Signup, policy: d.Policy, log: d.Log, now: time.Now,
		decoyHasher: d.Decoys, census: d.Census,
	}
}

// Signup validates the request, counts it against the signup limits of the
// client it comes from, hashes the password and stores the user.
func (s *Service) Signup(ctx context.Context, in domain.SignupInput, from Client) (domain.User, error) {
	now := s.now().UTC()
	reg, err := domain.NewRegistration(in, now)
	if err != nil {
		return domain.User{}, err
	}
	if err := s.checkSignupLimits(ctx, from, reg.Email); err != nil {
		return domain.User{}, err
	}
	hash, err := s.hasher.Hash(WithLowHashPriority(ctx), reg.Password)
	if err != nil {
		return domain.User{}, fmt.Errorf("signup: %w", err)
	}
	u, err := s.users.CreateUser(ctx, domain.NewUser{
		ID:           domain.NewUserID(now),
		Name:         reg.Name,
		Surname:      reg.Surname,
		Email:        reg.Email,
		DateOfBirth:  reg.DateOfBirth,
		PasswordHash: hash,
	})
	if err != nil {
		return domain.User{}, fmt.Errorf("signup: %w", err)
	}
	return u, nil
}

// Token is the result of a successful login or refresh: an access token and
// the session's next refresh token.
type Token struct {
	Value      string
	TTL        time.Duration
	Refresh    string
	RefreshTTL time.Duration // until the session ends at the latest
}

// Login checks the credentials and issues an access token. clientIP keys the
// per-address rate limit.
func (s *Service) Login(ctx context.Context, in domain.LoginInput, clientIP string) (Token, error) {
	if err := domain.CheckLogin(in); err != nil {
		return Token{}, err
	}
	email := domain.EmailKey(in.Email)
	if err := s.checkLimits(ctx, clientIP, email); err != nil {
		return Token{}, err
	}
	cred, err := s.authenticate(ctx, email, in.Password)
	if err != nil {
		return Token{}, err
	}
	tok, err := s.startSession(ctx, cred.User)
	if err != nil {
		return Token{}, fmt.Errorf("login: %w", err)
	}
	return tok, nil
}

// checkLimits counts the attempt against the login limits, in this order:
// the limiter stops at the first limit reached, so an attempt refused for
// its address or pair does not count against the email's backstop.
func (s *Service) checkLimits(ctx context.Context, clientIP, email string) error {
	ok, wait, err := s.limiter.Take(ctx,
		LimitHit{s.limits.PerIP, clientIP},
		LimitHit{s.limits.PerIPEmail, clientIP + " " + email},
		LimitHit{s.limits.PerEmail, email},
	)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if !ok {
		return &RateLimitedError{RetryAfter: wait}
	}
	return nil
}

// authenticate returns the user whose password matches. An unknown email is
// checked against decoy hashes, and a wrong password against decoys too,
// so that both cost the same time whatever the parameters of the user's
// hash: response timing must not reveal which emails are registered
// (decoys.go).
func (s *Service) authenticate(ctx context.Context, email, password string) (domain.Credentials, error) {
	cred, err := s.users.CredentialsByEmail(ctx, email)
	switch {
	case errors.Is(err, domain.ErrUserNotFound):
		if err := s.verifyDecoys(ctx, password, s.decoysFor("")); err != nil {
			return domain.Credentials{}, fmt.Errorf("login: %w", err)
		}
		return domain.Credentials{}, domain.ErrInvalidCredentials
	case err != nil:
		return domain.Credentials{}, fmt.Errorf("login: %w", err)
	}
	match, outdated, err := s.hasher.Verify(ctx, password, cred.PasswordHash)
	if err != nil {
		return domain.Credentials{}, fmt.Errorf("login: %w", err)
	}
	if !match {
		if err := s.verifyDecoys(ctx, password, s.decoysFor(cred.PasswordHash)); err != nil {
			return domain.Credentials{}, fmt.Errorf("login: %w", err)
		}
		return domain.Credentials{}, domain.ErrInvalidCredentials
	}
	if outdated {
		s.rehash(ctx, cred, password)
	}
	return cred, nil
}

// rehash upgrades a hash made with old parameters (e.g. one the seed wrote).
// Failing to do so must not fail the login: the old hash still works.
func (s *Service) rehash(ctx context.Context, cred domain.Credentials, password string) {
	fresh, err := s.hasher.Hash(ctx, password)
	if err == nil {
		err = s.users.ReplacePasswordHash(ctx, cred.User.ID, cred.PasswordHash, fresh)
	}
	if err != nil {
		s.log.WarnContext(ctx, "password rehash skipped", "user_id", cred.User.ID, "err", err)
		return
	}
	s.log.InfoContext(ctx, "password rehashed with current parameters", "user_id", cred.User.ID)
}

// Me returns the profile of the user a verified token names.
func (s *Service) Me(ctx context.Context, userID string) (domain.User, error) {
	u, err := s.users.UserByID(ctx, userID)
	if err != nil {
		return domain.User{}, fmt.Errorf("me: %w", err)
	}
	return u, nil
}
