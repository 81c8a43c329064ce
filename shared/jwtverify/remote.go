package jwtverify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// remoteKeys is a JWKS fetched over HTTP and kept in memory. It is fetched
// again when the JWKS's max-age has passed (so a key the auth service
// withdrew stops verifying) and when a token names a key it does not hold
// (the auth service rotated its key), each at most once per interval. When
// the auth service is down at start, the keys are fetched on first need
// instead, at most once a second, so the service recovers by itself.
//
// It does its own fetching rather than use jwx's jwk.Cache: every explicit
// Refresh of that cache schedules one more periodic fetch, so refetches on
// unknown kids (and retries while the auth service is down) pile up
// background fetches without bound.
type remoteKeys struct {
	url      string
	client   *http.Client
	interval time.Duration
	now      func() time.Time

	current atomic.Pointer[keySnapshot] // nil until a fetch succeeds

	mu          sync.Mutex
	lastAttempt time.Time
}

// keySnapshot is one fetched key set and when to fetch it again.
type keySnapshot struct {
	keys       jwk.Set
	fetchedAt  time.Time
	freshUntil time.Time
}

const (
	// fetchTimeout bounds one JWKS request: a hung auth service must not
	// hang the requests waiting on its keys.
	fetchTimeout = 3 * time.Second
	// firstFetchRetry spaces attempts while no key set was ever fetched.
	firstFetchRetry = time.Second
	// defaultMaxAge applies when the JWKS carries no max-age; maxMaxAge caps
	// one that does, so a withdrawn key is never trusted for long.
	defaultMaxAge = 5 * time.Minute
	maxMaxAge     = 15 * time.Minute
	// maxJWKSBytes bounds the memory one fetch may take.
	maxJWKSBytes = 1 << 20
)

func newRemoteKeys(ctx context.Context, url string, interval time.Duration, now func() time.Time) *remoteKeys {
	if interval <= 0 {
		interval = 30 * time.Second
	}
	r := &remoteKeys{url: url, client: &http.Client{Timeout: fetchTimeout}, interval: interval, now: now}
	_, _ = r.keys(ctx) // fetch now; on failure, on first need
	return r
}

// keys returns the key set, fetching it first if it never was, or again if
// its max-age has passed. A failed refresh keeps the last good set: the
// auth service being down must not lock every user out.
func (r *remoteKeys) keys(ctx context.Context) (jwk.Set, error) {
	snap := r.current.Load()
	if snap == nil {
		if !r.attemptDue(firstFetchRetry) {
			return nil, fmt.Errorf("%w: %s not fetched yet", ErrKeysUnavailable, r.url)
		}
		if err := r.fetch(ctx); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKeysUnavailable, err)
		}
		return r.current.Load().keys, nil
	}
	if !r.now().Before(snap.freshUntil) && r.attemptDue(r.interval) {
		_ = r.fetch(ctx)
		snap = r.current.Load()
	}
	return snap.keys, nil
}

// refetch fetches the JWKS again unless a fetch was tried within the
// interval, so garbage kids cannot make us hammer the auth service. It
// reports whether a fetch happened and succeeded.
func (r *remoteKeys) refetch(ctx context.Context) bool {
	return r.attemptDue(r.interval) && r.fetch(ctx) == nil
}

// attemptDue claims the right to fetch when the last attempt is at least
// gap ago; of concurrent callers, one wins.
func (r *remoteKeys) attemptDue(gap time.Duration) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if !r.lastAttempt.IsZero() && now.Sub(r.lastAttempt) < gap {
		return false
	}
	r.lastAttempt = now
	return true
}

func (r *remoteKeys) fetch(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return fmt.Errorf("jwks request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("jwks fetch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("jwks fetch: status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return fmt.Errorf("jwks read: %w", err)
	}
	if len(body) > maxJWKSBytes {
		return errors.New("jwks read: document too large")
	}
	set, err := jwk.Parse(body)
	if err != nil {
		return fmt.Errorf("jwks parse: %w", err)
	}
	now := r.now()
	r.current.Store(&keySnapshot{keys: set, fetchedAt: now, freshUntil: now.Add(r.maxAge(resp.Header))})
	return nil
}

// maxAge is how long the fetched set may be used before fetching it again:
// the JWKS's Cache-Control max-age, within [interval, maxMaxAge].
func (r *remoteKeys) maxAge(h http.Header) time.Duration {
	age := defaultMaxAge
	for _, directive := range strings.Split(h.Get("Cache-Control"), ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(directive), "=")
		switch strings.ToLower(name) {
		case "max-age":
			if secs, err := strconv.ParseInt(strings.Trim(value, `"`), 10, 64); err == nil && secs >= 0 {
				age = time.Duration(min(secs, int64(maxMaxAge/time.Second))) * time.Second
			}
		case "no-cache", "no-store":
			age = 0
		}
	}
	return min(max(age, r.interval), maxMaxAge)
}

func (r *remoteKeys) ping(ctx context.Context) error {
	_, err := r.keys(ctx)
	return err
}
