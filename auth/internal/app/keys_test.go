package app_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/app/apptest"
)

var t0 = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func testPolicy() app.KeyPolicy {
	return app.KeyPolicy{Rotation: 24 * time.Hour, Lead: 6 * time.Minute, Retention: 61 * time.Minute}
}

func newRing(store *apptest.KeyStore, clock *time.Time) *app.KeyRing {
	return app.NewKeyRing(app.KeyRingConfig{
		Store: store, Policy: testPolicy(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return *clock },
	})
}

func TestKeyStates(t *testing.T) {
	t.Parallel()
	k := app.SigningKey{SignFrom: t0, SignUntil: t0.Add(time.Hour), PublishUntil: t0.Add(2 * time.Hour)}
	for _, c := range []struct {
		at   time.Time
		want app.KeyState
	}{
		{t0.Add(-time.Nanosecond), app.KeyPending},
		{t0, app.KeyActive},
		{t0.Add(time.Hour - time.Nanosecond), app.KeyActive},
		{t0.Add(time.Hour), app.KeyRetired},
		{t0.Add(2*time.Hour - time.Nanosecond), app.KeyRetired},
		{t0.Add(2 * time.Hour), app.KeyExpired},
	} {
		if got := k.State(c.at); got != c.want {
			t.Errorf("at %v: %s, want %s", c.at.Sub(t0), got, c.want)
		}
	}
}

// TestRotationPublishesBeforeSigning walks a rotation on a clock: the new
// key is published Lead before it signs; the old one signs until then and
// stays published for Retention after; replicas whose clocks are off by
// less than the skew allowance in Lead never sign with an unpublished key.
func TestRotationPublishesBeforeSigning(t *testing.T) {
	t.Parallel()
	store := &apptest.KeyStore{Now: t0}
	clock := t0
	a, b := newRing(store, &clock), newRing(store, &clock) // two replicas
	for _, r := range []*app.KeyRing{a, b} {
		if err := r.Start(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
	}
	first, _ := a.Signer()
	if second, _ := b.Signer(); len(store.Keys) != 1 || second.ID != first.ID {
		t.Fatalf("two replicas started with %d keys", len(store.Keys))
	}

	// Not due one tick before Rotation - Lead.
	clock = t0.Add(24*time.Hour - 6*time.Minute - time.Second)
	store.Now = clock
	_ = a.Tick(t.Context())
	if len(store.Keys) != 1 {
		t.Fatal("rotated before it was due")
	}
	// Due: both replicas tick; one rotation happens.
	clock, store.Now = clock.Add(time.Second), clock.Add(time.Second)
	_ = a.Tick(t.Context())
	_ = b.Tick(t.Context())
	if len(store.Keys) != 2 {
		t.Fatalf("%d keys after the rotation step, want 2", len(store.Keys))
	}
	next := store.Keys[1]
	if !next.SignFrom.Equal(clock.Add(6 * time.Minute)) {
		t.Fatalf("new key signs from %v, want Lead after it was published", next.SignFrom.Sub(t0))
	}
	for _, r := range []*app.KeyRing{a, b} {
		if !publishes(r, next.ID) {
			t.Error("a replica does not publish the new key")
		}
		if k, _ := r.Signer(); k.ID != first.ID {
			t.Error("a replica signs with the new key before Lead has passed")
		}
	}
	// A replica whose clock runs 5 minutes fast (within Lead) still waits.
	fast := clock.Add(5 * time.Minute)
	if app.ActiveKey(store.Keys, fast).ID != first.ID {
		t.Error("a replica 5 min fast would sign with the new key early")
	}
	// At SignFrom the new key signs; the old one stays published.
	clock = next.SignFrom
	if k, _ := a.Signer(); k.ID != next.ID || !publishes(a, first.ID) {
		t.Errorf("at the switch: signer %s, old key published %v", k.ID, publishes(a, first.ID))
	}
	// The old key leaves the JWKS only after Retention.
	clock = next.SignFrom.Add(61*time.Minute - time.Nanosecond)
	if !publishes(a, first.ID) {
		t.Error("old key withdrawn before its tokens expired")
	}
	clock = next.SignFrom.Add(61 * time.Minute)
	if publishes(a, first.ID) {
		t.Error("old key still published after Retention")
	}
}

func TestForcedRotationWaitsForAPendingOne(t *testing.T) {
	t.Parallel()
	store := &apptest.KeyStore{Now: t0}
	clock := t0
	r := newRing(store, &clock)
	if err := r.Start(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	c, err := r.Rotate(t.Context())
	if err != nil || len(c.Add) != 1 || !c.Add[0].SignFrom.Equal(t0.Add(6*time.Minute)) {
		t.Fatalf("forced rotation: %+v, %v", c, err)
	}
	if c, _ := r.Rotate(t.Context()); !c.Empty() {
		t.Fatal("a second forced rotation did not wait for the pending one")
	}
}

func TestFixedKeyIsNeverRotated(t *testing.T) {
	t.Parallel()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	fixed := app.NewSigningKey(priv, app.OriginFile)
	store := &apptest.KeyStore{Now: t0}
	r := app.NewKeyRing(app.KeyRingConfig{Store: store, Policy: testPolicy(), Fixed: &fixed,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := r.Start(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if k, _ := r.Signer(); k.ID != fixed.ID || len(store.Keys) != 0 {
		t.Fatalf("signer %s, %d stored keys; want the fixed key and nothing generated", k.ID, len(store.Keys))
	}
	if _, err := r.Rotate(t.Context()); err == nil {
		t.Fatal("a fixed key was rotated")
	}
}

func TestBootstrapImportsALegacyKeyOnce(t *testing.T) {
	t.Parallel()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	legacy := app.NewSigningKey(priv, app.OriginImported)
	store := &apptest.KeyStore{Now: t0}
	clock := t0
	if err := newRing(store, &clock).Start(t.Context(), &legacy); err != nil {
		t.Fatal(err)
	}
	// A second replica with its own, different legacy file: its key is kept
	// for verification only, the first keeps signing.
	_, priv2, _ := ed25519.GenerateKey(rand.Reader)
	legacy2 := app.NewSigningKey(priv2, app.OriginImported)
	r2 := newRing(store, &clock)
	if err := r2.Start(t.Context(), &legacy2); err != nil {
		t.Fatal(err)
	}
	if k, _ := r2.Signer(); k.ID != legacy.ID {
		t.Errorf("signer %s, want the first imported key", k.ID)
	}
	if !publishes(r2, legacy2.ID) || len(store.Keys) != 2 {
		t.Errorf("the second legacy key is not published (%d keys)", len(store.Keys))
	}
	if err := newRing(store, &clock).Start(t.Context(), &legacy); err != nil || len(store.Keys) != 2 {
		t.Errorf("a restart imported again: %d keys, %v", len(store.Keys), err)
	}
}

func TestNoSigningKeyIsUnavailable(t *testing.T) {
	t.Parallel()
	clock := t0
	r := newRing(&apptest.KeyStore{Now: t0}, &clock)
	if _, err := r.Signer(); !errors.Is(err, app.ErrUnavailable) {
		t.Fatalf("signer before start: %v, want ErrUnavailable", err)
	}
}

func TestKeyIDIsTheThumbprint(t *testing.T) {
	t.Parallel()
	// RFC 8037, appendix A.3: the thumbprint of its example Ed25519 key.
	pub := ed25519.PublicKey{0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
		0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a}
	if got, want := app.KeyID(pub), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"; got != want {
		t.Fatalf("KeyID = %s, want %s", got, want)
	}
}

func publishes(r *app.KeyRing, id string) bool {
	for _, k := range r.Published() {
		if k.ID == id {
			return true
		}
	}
	return false
}
