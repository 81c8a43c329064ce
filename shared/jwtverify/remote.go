package jwtverify

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// remoteKeys is a JWKS fetched over HTTP, cached, refreshed in the
// background, and refetched at most once per interval when a token names a
// key it does not hold (the auth service rotated its key). When the auth
// service is down at start, the keys are fetched on first need instead, at
// most once a second, so the service recovers by itself when it returns.
type remoteKeys struct {
	url      string
	cache    *jwk.Cache
	cached   jwk.Set
	interval time.Duration
	fetched  atomic.Bool

	mu          sync.Mutex
	lastRefetch time.Time
	lastAttempt time.Time
}

// fetchTimeout bounds one JWKS request: a hung auth service must not hang
// the requests waiting on its keys.
const fetchTimeout = 3 * time.Second

func newRemoteKeys(ctx context.Context, url string, interval time.Duration) (*remoteKeys, error) {
	if interval <= 0 {
		interval = 30 * time.Second
	}
	c := jwk.NewCache(ctx)
	// jwx requires the minimum refresh interval to be below the refresh
	// window it computes from cache headers; 15 minutes is the ceiling.
	err := c.Register(url, jwk.WithMinRefreshInterval(interval), jwk.WithRefreshInterval(15*time.Minute),
		jwk.WithHTTPClient(&http.Client{Timeout: fetchTimeout}))
	if err != nil {
		return nil, fmt.Errorf("jwtverify: register %s: %w", url, err)
	}
	r := &remoteKeys{url: url, cache: c, cached: jwk.NewCachedSet(c, url), interval: interval}
	_, _ = r.keys(ctx) // fetch now; on failure, on first need
	return r, nil
}

// keys returns the key set, fetching it first if it never was.
func (r *remoteKeys) keys(ctx context.Context) (jwk.Set, error) {
	if r.fetched.Load() {
		// Later refresh failures keep the last good set.
		return r.cached, nil
	}
	r.mu.Lock()
	if time.Since(r.lastAttempt) < time.Second {
		r.mu.Unlock()
		return nil, fmt.Errorf("%w: %s not fetched yet", ErrKeysUnavailable, r.url)
	}
	r.lastAttempt = time.Now()
	r.mu.Unlock()
	if _, err := r.cache.Refresh(ctx, r.url); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeysUnavailable, err)
	}
	r.mu.Lock()
	r.lastRefetch = time.Now()
	r.mu.Unlock()
	r.fetched.Store(true)
	return r.cached, nil
}

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
	_, err := r.keys(ctx)
	return err
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
