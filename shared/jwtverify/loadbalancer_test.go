package jwtverify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// TestJWKSBehindALoadBalancer fetches the JWKS through a round-robin front
// of three auth replicas, as the pdf service does behind a load balancer.
// The replicas publish one key set (each in its own order): every fetch,
// whichever replica answers, verifies the same tokens; a rotation
// published on all of them is picked up by one refetch on the new kid; and
// unknown kids still cost at most one fetch per interval in all, not one
// per replica.
func TestJWKSBehindALoadBalancer(t *testing.T) {
	t.Parallel()
	oldKey, newKey := newSigner(t), newSigner(t)
	setOf := func(keys ...signer) *jwk.Set {
		set := jwk.NewSet()
		for _, k := range keys {
			_ = set.AddKey(k.pub)
		}
		return &set
	}
	replicas := make([]atomic.Pointer[jwk.Set], 3)
	var fetches [3]atomic.Int32
	publish := func(order func(i int) *jwk.Set) {
		for i := range replicas {
			replicas[i].Store(order(i))
		}
	}
	publish(func(int) *jwk.Set { return setOf(oldKey) })
	var next atomic.Uint32
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		i := int(next.Add(1)-1) % len(replicas)
		fetches[i].Add(1)
		w.Header().Set("Cache-Control", "public, max-age=60")
		_ = json.NewEncoder(w).Encode(*replicas[i].Load())
	}))
	defer lb.Close()
	total := func() (n int32) {
		for i := range fetches {
			n += fetches[i].Load()
		}
		return n
	}

	clk := newClock()
	const interval = time.Second
	v, err := New(context.Background(), Config{Algorithm: "EdDSA", JWKSURL: lb.URL, RefetchInterval: interval, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	oldToken := sign(t, profile(nil), jwa.EdDSA, oldKey.priv)
	newToken := sign(t, profile(nil), jwa.EdDSA, newKey.priv)
	// Three max-ages pass: each replica answers one fetch, and each set
	// verifies the old key's token.
	for range 3 {
		if _, err := v.Verify(context.Background(), oldToken); err != nil {
			t.Fatalf("token of the published key refused (fetch %d): %v", total(), err)
		}
		clk.Advance(61 * time.Second)
	}
	for i := range fetches {
		if fetches[i].Load() == 0 {
			t.Errorf("replica %d was never asked: the test proves less than it says", i)
		}
	}

	// The rotation is published on every replica before anyone signs with
	// the new key; the replicas list the keys in different orders.
	publish(func(i int) *jwk.Set {
		if i%2 == 0 {
			return setOf(newKey, oldKey)
		}
		return setOf(oldKey, newKey)
	})
	clk.Advance(interval)
	before := total()
	for range 3 {
		if _, err := v.Verify(context.Background(), newToken); err != nil {
			t.Fatalf("token of the rotated-in key refused: %v", err)
		}
		if _, err := v.Verify(context.Background(), oldToken); err != nil {
			t.Fatalf("token of the old key refused after the rotation: %v", err)
		}
	}
	if got := total() - before; got != 1 {
		t.Errorf("%d fetches for the new kid, want 1", got)
	}

	// Unknown kids, through the load balancer: at most one fetch per
	// interval in all.
	stranger := newSigner(t)
	before = total()
	for round := range 3 {
		for range 20 {
			if _, err := v.Verify(context.Background(), sign(t, profile(nil), jwa.EdDSA, stranger.priv)); err == nil {
				t.Fatal("token of an unpublished key verified")
			}
		}
		if got := total() - before; got > int32(round+1) {
			t.Fatalf("%d fetches for unknown kids over %d intervals, want at most %d", got, round+1, round+1)
		}
		clk.Advance(interval)
	}
}
