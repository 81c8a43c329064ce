package jwtverify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// fakeClock is a Config.Now the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// publishKeys serves over HTTP whatever key set is current.
func publishKeys(t *testing.T, initial jwk.Set) (*httptest.Server, *atomic.Pointer[jwk.Set]) {
	t.Helper()
	var current atomic.Pointer[jwk.Set]
	current.Store(&initial)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(*current.Load())
	}))
	t.Cleanup(srv.Close)
	return srv, &current
}

func TestVerifiedTokenIsTrustedOnlyUntilItsExp(t *testing.T) {
	t.Parallel()
	s := newSigner(t)
	clock := &fakeClock{now: time.Now()}
	v, err := New(context.Background(), Config{Algorithm: "EdDSA", Keys: s.set(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	raw := sign(t, profile(func(b *jwt.Builder) *jwt.Builder { return b.Expiration(clock.Now().Add(time.Minute)) }), jwa.EdDSA, s.priv)
	first, err := v.Verify(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	again, err := v.Verify(context.Background(), raw)
	if err != nil || again != first {
		t.Fatalf("second Verify = (%+v, %v), want the first's claims", again, err)
	}
	if n := v.verified.len(); n != 1 {
		t.Fatalf("%d tokens remembered, want 1", n)
	}
	clock.advance(2 * time.Minute)
	if _, err := v.Verify(context.Background(), raw); !errors.Is(err, ErrExpired) {
		t.Fatalf("Verify after exp = %v, want ErrExpired", err)
	}
}

func TestVerifiedTokenStopsCountingWhenItsKeyIsWithdrawn(t *testing.T) {
	t.Parallel()
	old, next := newSigner(t), newSigner(t)
	srv, published := publishKeys(t, old.set())
	clock := &fakeClock{now: time.Now()}
	v, err := New(context.Background(), Config{Algorithm: "EdDSA", JWKSURL: srv.URL, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	raw := sign(t, profile(nil), jwa.EdDSA, old.priv)
	for range 2 {
		if _, err := v.Verify(context.Background(), raw); err != nil {
			t.Fatalf("token of the published key rejected: %v", err)
		}
	}
	withdrawn := next.set()
	published.Store(&withdrawn)
	clock.advance(maxMaxAge + time.Second) // the JWKS is due for a refetch
	if _, err := v.Verify(context.Background(), raw); !errors.Is(err, ErrInvalid) {
		t.Fatalf("token of a withdrawn key: %v, want ErrInvalid", err)
	}
	if _, err := v.Verify(context.Background(), sign(t, profile(nil), jwa.EdDSA, next.priv)); err != nil {
		t.Fatalf("token of the new key rejected: %v", err)
	}
}

func TestFailedVerificationIsNotRemembered(t *testing.T) {
	t.Parallel()
	early, late := newSigner(t), newSigner(t)
	srv, published := publishKeys(t, early.set())
	clock := &fakeClock{now: time.Now()}
	v, err := New(context.Background(), Config{Algorithm: "EdDSA", JWKSURL: srv.URL, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	raw := sign(t, profile(nil), jwa.EdDSA, late.priv)
	if _, err := v.Verify(context.Background(), raw); !errors.Is(err, ErrInvalid) {
		t.Fatalf("token of an unpublished key: %v, want ErrInvalid", err)
	}
	if n := v.verified.len(); n != 0 {
		t.Fatalf("%d tokens remembered after a rejection", n)
	}
	both := jwk.NewSet()
	_ = both.AddKey(early.pub)
	_ = both.AddKey(late.pub)
	published.Store(&both)
	clock.advance(time.Minute) // past the refetch interval
	if _, err := v.Verify(context.Background(), raw); err != nil {
		t.Fatalf("token rejected once its key is published: %v", err)
	}
}

func TestVerifiedTokensStayBounded(t *testing.T) {
	t.Parallel()
	now := time.Now()
	vt := newVerifiedTokens()
	c := Claims{UserID: userID, ExpiresAt: now.Add(time.Hour)}
	for i := range maxVerified + 500 {
		vt.remember("token-"+strconv.Itoa(i), nil, c, now)
	}
	if n := vt.len(); n > maxVerified {
		t.Fatalf("%d tokens remembered, bound is %d", n, maxVerified)
	}
	latest := "token-" + strconv.Itoa(maxVerified+499)
	if _, ok := vt.lookup(latest, nil, now); !ok {
		t.Error("the newest token was dropped")
	}
	vt.remember("expired", nil, Claims{ExpiresAt: now}, now)
	if _, ok := vt.lookup("expired", nil, now); ok {
		t.Error("a token at its exp was remembered")
	}
}
