package app

import (
	"context"
	"fmt"

	"prana/auth/internal/domain"
)

// SignupLimits are the signup rate limits.
//
// Each signup costs a password hash, and its 409 tells whether an email is
// registered, so signups from one client are bounded (PerIP), as are those
// from the block of addresses one attacker typically holds (PerRange), and
// attempts at any one email from everywhere (PerEmail): enumerating
// registered emails then runs at these rates at most.
type SignupLimits struct {
	PerIP, PerRange, PerEmail Limit
}

// Client is where a request comes from, in the form rate limits key it.
type Client struct {
	Key   string // the client: an IPv4 address or an IPv6 /64
	Range string // the block around it: an IPv4 /24 or an IPv6 /48
}

// checkSignupLimits counts a signup attempt, per client first: an attempt
// refused for its address or range does not count against the email, so a
// flood from elsewhere cannot use up a newcomer's attempts as quickly.
func (s *Service) checkSignupLimits(ctx context.Context, from Client, email string) error {
	ok, wait, err := s.limiter.Take(ctx,
		LimitHit{s.signupLimits.PerIP, from.Key},
		LimitHit{s.signupLimits.PerRange, from.Range},
		LimitHit{s.signupLimits.PerEmail, domain.EmailKey(email)},
	)
	if err != nil {
		return fmt.Errorf("signup: %w", err)
	}
	if !ok {
		return &RateLimitedError{RetryAfter: wait}
	}
	return nil
}

type hashPriorityKey struct{}

// WithLowHashPriority marks ctx's password hashing as yielding to the rest:
// a PasswordHasher that has to queue hashes serves every other waiting
// hash first. Signup uses it, so that a flood of signups (which anyone can
// send) delays logins by no more than the hashes already running.
func WithLowHashPriority(ctx context.Context) context.Context {
	return context.WithValue(ctx, hashPriorityKey{}, true)
}

// LowHashPriority reports whether ctx was marked by WithLowHashPriority.
func LowHashPriority(ctx context.Context) bool {
	low, _ := ctx.Value(hashPriorityKey{}).(bool)
	return low
}
