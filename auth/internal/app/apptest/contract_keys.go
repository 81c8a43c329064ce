package apptest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"sync"
	"testing"
	"time"

	"prana/auth/internal/app"
)

// RunSigningKeyStoreContract checks what the key ring relies on of an
// app.SigningKeyStore: added keys read back whole; a kid is added once;
// ends are written; a failed plan writes nothing; plans run one at a time
// on the keys as they are then; expired keys lose their private half.
// newStore returns an empty store of the test's own.
func RunSigningKeyStoreContract(t *testing.T, newStore func(t *testing.T) app.SigningKeyStore) {
	t.Helper()
	ctx := context.Background()
	newKey := func(t *testing.T) app.SigningKey {
		t.Helper()
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return app.NewSigningKey(priv, app.OriginGenerated)
	}
	change := func(t *testing.T, s app.SigningKeyStore, plan app.KeyPlan) time.Time {
		t.Helper()
		var seen time.Time
		if _, err := s.ChangeSigningKeys(ctx, func(keys []app.SigningKey, now time.Time) (app.KeyChange, error) {
			seen = now
			return plan(keys, now)
		}); err != nil {
			t.Fatalf("ChangeSigningKeys: %v", err)
		}
		return seen
	}
	keys := func(t *testing.T, s app.SigningKeyStore) []app.SigningKey {
		t.Helper()
		ks, err := s.SigningKeys(ctx)
		if err != nil {
			t.Fatalf("SigningKeys: %v", err)
		}
		return ks
	}

	t.Run("AddedKeysReadBack", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		if ks := keys(t, s); len(ks) != 0 {
			t.Fatalf("a new store holds %d keys", len(ks))
		}
		k := newKey(t)
		var signFrom time.Time
		now := change(t, s, func(_ []app.SigningKey, now time.Time) (app.KeyChange, error) {
			k.SignFrom, k.SignUntil, k.PublishUntil = now, now.Add(time.Hour), now.Add(2*time.Hour)
			signFrom = now
			return app.KeyChange{Add: []app.SigningKey{k, k}}, nil
		})
		if now.IsZero() {
			t.Error("the plan was given no time")
		}
		ks := keys(t, s)
		if len(ks) != 1 {
			t.Fatalf("%d keys after adding one (twice), want 1", len(ks))
		}
		got := ks[0]
		if got.ID != k.ID || !got.Public.Equal(k.Public) || !got.Private.Equal(k.Private) || got.Origin != app.OriginGenerated ||
			!got.SignFrom.Equal(signFrom) || !got.SignUntil.Equal(signFrom.Add(time.Hour)) ||
			!got.PublishUntil.Equal(signFrom.Add(2*time.Hour)) || got.Created.IsZero() {
			t.Errorf("read back %+v, want %+v with its creation time", got, k)
		}
		// A kid already stored is not added again.
		change(t, s, func([]app.SigningKey, time.Time) (app.KeyChange, error) {
			return app.KeyChange{Add: []app.SigningKey{k}}, nil
		})
		if n := len(keys(t, s)); n != 1 {
			t.Errorf("%d keys after adding a stored kid, want 1", n)
		}
	})

	t.Run("PlansSeeTheKeysAndWriteEnds", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a, b := newKey(t), newKey(t)
		change(t, s, func(_ []app.SigningKey, now time.Time) (app.KeyChange, error) {
			a.SignFrom, b.SignFrom = now, now.Add(time.Hour)
			return app.KeyChange{Add: []app.SigningKey{a, b}}, nil
		})
		var end app.KeyEnd
		change(t, s, func(ks []app.SigningKey, now time.Time) (app.KeyChange, error) {
			if len(ks) != 2 {
				t.Errorf("the plan saw %d keys, want 2", len(ks))
			}
			end = app.KeyEnd{ID: a.ID, SignUntil: now.Add(time.Minute), PublishUntil: now.Add(time.Hour)}
			return app.KeyChange{End: []app.KeyEnd{end}}, nil
		})
		for _, k := range keys(t, s) {
			switch k.ID {
			case a.ID:
				if !k.SignUntil.Equal(end.SignUntil) || !k.PublishUntil.Equal(end.PublishUntil) {
					t.Errorf("ended key: until %v / %v, want %v / %v", k.SignUntil, k.PublishUntil, end.SignUntil, end.PublishUntil)
				}
			case b.ID:
				if !k.SignUntil.IsZero() || !k.PublishUntil.IsZero() {
					t.Errorf("the other key was ended too: %v / %v", k.SignUntil, k.PublishUntil)
				}
			}
		}
	})

	t.Run("AFailedPlanWritesNothing", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		boom := errors.New("plan failed")
		_, err := s.ChangeSigningKeys(ctx, func(_ []app.SigningKey, now time.Time) (app.KeyChange, error) {
			k := newKey(t)
			k.SignFrom = now
			return app.KeyChange{Add: []app.SigningKey{k}}, boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("ChangeSigningKeys: %v, want the plan's error", err)
		}
		if n := len(keys(t, s)); n != 0 {
			t.Errorf("%d keys after a failed plan, want 0", n)
		}
	})

	t.Run("PlansRunOneAtATime", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				k := newKey(t)
				if _, err := s.ChangeSigningKeys(ctx, func(ks []app.SigningKey, now time.Time) (app.KeyChange, error) {
					if len(ks) > 0 {
						return app.KeyChange{}, nil
					}
					k.SignFrom = now
					return app.KeyChange{Add: []app.SigningKey{k}}, nil
				}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := len(keys(t, s)); n != 1 {
			t.Errorf("%d keys after four plans that each add one to an empty store, want 1", n)
		}
	})

	t.Run("ExpiredKeysLoseTheirPrivateHalf", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		old, live := newKey(t), newKey(t)
		change(t, s, func(_ []app.SigningKey, now time.Time) (app.KeyChange, error) {
			old.SignFrom, old.SignUntil, old.PublishUntil = now.Add(-2*time.Hour), now.Add(-time.Hour), now.Add(-time.Millisecond)
			live.SignFrom = now
			return app.KeyChange{Add: []app.SigningKey{old, live}}, nil
		})
		// The next change wipes what expired.
		change(t, s, func(ks []app.SigningKey, _ time.Time) (app.KeyChange, error) {
			for _, k := range ks {
				if k.ID == old.ID && k.Private != nil {
					t.Error("the plan was given an expired key's private half")
				}
			}
			return app.KeyChange{}, nil
		})
		ks := keys(t, s)
		if len(ks) != 2 {
			t.Fatalf("%d keys, want the expired one kept as a record and the live one", len(ks))
		}
		for _, k := range ks {
			if k.ID == old.ID && k.Private != nil || k.ID == live.ID && !k.Private.Equal(live.Private) {
				t.Errorf("key %s: private half %v", k.ID, k.Private != nil)
			}
		}
	})
}
