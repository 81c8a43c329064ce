package app

import (
	"context"
	"time"
)

// Internals the external tests (package app_test) reach: they live there
// so that they can use the fakes of apptest, which imports this package.

const RefreshTokenLen = refreshTokenLen

var (
	NewRefreshToken = newRefreshToken
	RefreshHash     = refreshHash
	ErasureBackoff  = erasureBackoff
	ActiveKey       = activeKey
)

// SetNow sets the service's clock.
func SetNow(s *Service, now func() time.Time) { s.now = now }

// SetTokens replaces the service's token issuer.
func SetTokens(s *Service, t TokenIssuer) { s.tokens = t }

// Tick runs one step of the key ring's lifecycle.
func (r *KeyRing) Tick(ctx context.Context) error { return r.tick(ctx) }
