package jwtverify

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// remoteKeys is a JWKS fetched over HTTP, cached, refreshed in the
// background, and refetched at most once per interval when a token names a
// key it does not hold (the auth service rotated its key).
type remoteKeys struct {
	url      string
	cache    *jwk.Cache
	cached   jwk.Set
	interval time.Duration

	mu          sync.Mutex
	lastRefetch time.Time
}

func newRemoteKeys(ctx context.Context, url string, interval time.Duration) (*remoteKeys, error) {
	if interval <= 0 {
		interval = 30 * time.Second
	}
	c := jwk.NewCache(ctx)
	// jwx requires the minimum refresh interval to be below the refresh
	// window it computes from cache headers; 15 minutes is the ceiling.
	if err := c.Register(url, jwk.WithMinRefreshInterval(interval), jwk.WithRefreshInterval(15*time.Minute)); err != nil {
		return nil, fmt.Errorf("jwtverify: register %s: %w", url, err)
	}
	r := &remoteKeys{url: url, cache: c, cached: jwk.NewCachedSet(c, url), interval: interval}
	if _, err := c.Refresh(ctx, url); err != nil {
		return nil, fmt.Errorf("jwtverify: fetch %s: %w", url, err)
	}
	r.lastRefetch = time.Now()
	return r, nil
}

func (r *remoteKeys) set() jwk.Set { return r.cached }

// refetch fetches the JWKS again unless that was done within the interval.
// It reports whether a fetch happened and succeeded.
func (r *remoteKeys) refetch(ctx context.Context) bool {
	r.mu.Lock()
	if time.Since(r.lastRefetch) < r.interval {
		r.mu.Unlock()
		return false
	}
	r.lastRefetch = time.Now()
	r.mu.Unlock()
	_, err := r.cache.Refresh(ctx, r.url)
	return err == nil
}

func (r *remoteKeys) ping(ctx context.Context) error {
	if _, err := r.cache.Get(ctx, r.url); err != nil {
		return fmt.Errorf("jwks %s: %w", r.url, err)
	}
	return nil
}

// isUnknownKey tells a token signed by a key we do not hold from other
// failures. jwx has no typed error for it, so the message is inspected.
func isUnknownKey(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "failed to find key") || strings.Contains(msg, "could not find key") ||
		strings.Contains(msg, "no matching key")
}

// jwsRequireEdDSA makes key selection demand a kid match and never guess an
// algorithm: the JWKS keys carry alg EdDSA, so a token with any other alg
// (none, HS256 signed with the public key bytes) finds no key.
func jwsRequireEdDSA() []interface{} {
	return []interface{}{jws.WithRequireKid(true), jws.WithInferAlgorithmFromKey(false)}
}
