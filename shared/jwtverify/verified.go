package jwtverify

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// maxVerified bounds the tokens remembered as verified: a few MB at most.
const maxVerified = 10_000

// verifiedTokens remembers tokens that passed verification, so a client
// sending the same token again and again (a browser downloading its PDF)
// costs a hash instead of a signature check and a JSON parse.
//
// Only successes are kept; each entry is trusted only until the token's
// exp, and only while the key set it was verified with is still the
// current one: once the JWKS is fetched again (its max-age passed, or a
// rotation was noticed) every token is checked afresh against the new
// keys, so a withdrawn key stops vouching for anything.
type verifiedTokens struct {
	mu      sync.Mutex
	entries map[[sha256.Size]byte]verifiedToken
}

type verifiedToken struct {
	claims Claims
	keys   jwk.Set // the set it was verified with (nil: HS256's secret)
}

func newVerifiedTokens() *verifiedTokens {
	return &verifiedTokens{entries: map[[sha256.Size]byte]verifiedToken{}}
}

// lookup returns the claims of raw if it was verified with keys and has not
// expired at now.
func (t *verifiedTokens) lookup(raw string, keys jwk.Set, now time.Time) (Claims, bool) {
	sum := sha256.Sum256([]byte(raw))
	t.mu.Lock()
	e, ok := t.entries[sum]
	t.mu.Unlock()
	if !ok || e.keys != keys || !now.Before(e.claims.ExpiresAt) {
		return Claims{}, false
	}
	return e.claims, true
}

// remember records that raw verified with keys and carries c.
func (t *verifiedTokens) remember(raw string, keys jwk.Set, c Claims, now time.Time) {
	if !now.Before(c.ExpiresAt) {
		return // accepted within the leeway only: not worth keeping
	}
	sum := sha256.Sum256([]byte(raw))
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.entries) >= maxVerified {
		t.prune(now)
	}
	t.entries[sum] = verifiedToken{claims: c, keys: keys}
}

// prune drops expired entries and, if that is not enough, arbitrary ones
// (map order is random) down to 90% of the bound, so that pruning happens
// once per thousand new tokens rather than on every one. t.mu is held.
func (t *verifiedTokens) prune(now time.Time) {
	for k, e := range t.entries {
		if !now.Before(e.claims.ExpiresAt) {
			delete(t.entries, k)
		}
	}
	for k := range t.entries {
		if len(t.entries) < maxVerified*9/10 {
			break
		}
		delete(t.entries, k)
	}
}

func (t *verifiedTokens) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}
