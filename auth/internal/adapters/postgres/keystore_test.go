package postgres_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"prana/auth/internal/adapters/keyseal"
	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/app"
)

func newSealer(t *testing.T, secret string) *keyseal.AESGCM {
	t.Helper()
	s, err := keyseal.New([]byte(strings.Repeat(secret, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func policy() app.KeyPolicy {
	return app.KeyPolicy{Rotation: time.Hour, Lead: 5 * time.Minute, Retention: 90 * time.Minute}
}

func TestKeyStoreSealsPrivateKeysAtRest(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	store := postgres.NewKeyStore(pool, newSealer(t, "s"))
	if _, err := store.ChangeSigningKeys(t.Context(), policy().Bootstrap(nil)); err != nil {
		t.Fatal(err)
	}
	keys, err := store.SigningKeys(t.Context())
	if err != nil || len(keys) != 1 || keys[0].Private == nil {
		t.Fatalf("keys = %+v, %v; want one key with its private half", keys, err)
	}
	var stored []byte
	var sealed bool
	if err := pool.QueryRow(t.Context(), "SELECT private_key, sealed FROM signing_keys").Scan(&stored, &sealed); err != nil {
		t.Fatal(err)
	}
	if !sealed || strings.Contains(string(stored), string(keys[0].Private.Seed())) {
		t.Fatalf("stored private key is not sealed (sealed=%v)", sealed)
	}

	// Another replica without the seal key, or with a wrong one, must not
	// start, and must leave the stored keys alone.
	for name, s := range map[string]postgres.Sealer{"no seal key": nil, "wrong seal key": newSealer(t, "w")} {
		other := postgres.NewKeyStore(pool, s)
		_, err := other.SigningKeys(t.Context())
		want := app.ErrSealKeyWrong
		if s == nil {
			want = app.ErrSealKeyMissing
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: SigningKeys err = %v, want %v", name, err, want)
		}
		if _, err := other.ChangeSigningKeys(t.Context(), policy().Forced()); !errors.Is(err, want) {
			t.Errorf("%s: ChangeSigningKeys err = %v, want %v", name, err, want)
		}
	}
	var after []byte
	var n int
	if err := pool.QueryRow(t.Context(), "SELECT private_key, (SELECT count(*) FROM signing_keys) FROM signing_keys").Scan(&after, &n); err != nil {
		t.Fatal(err)
	}
	if n != 1 || string(after) != string(stored) {
		t.Fatalf("a refused start changed the stored keys: %d rows", n)
	}
}

func TestKeyStoreUnsealedWhenNoSealKey(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	store := postgres.NewKeyStore(pool, nil)
	if _, err := store.ChangeSigningKeys(t.Context(), policy().Bootstrap(nil)); err != nil {
		t.Fatal(err)
	}
	var sealed bool
	if err := pool.QueryRow(t.Context(), "SELECT sealed FROM signing_keys").Scan(&sealed); err != nil || sealed {
		t.Fatalf("sealed = %v, %v; want an unsealed key", sealed, err)
	}
	keys, err := store.SigningKeys(t.Context())
	if err != nil || len(keys) != 1 || keys[0].Private == nil {
		t.Fatalf("keys = %+v, %v", keys, err)
	}
}

// TestReplicasStartingTogetherCreateOneKey: the advisory lock lets exactly
// one of many replicas starting at once create the first key.
func TestReplicasStartingTogetherCreateOneKey(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := postgres.NewKeyStore(pool, nil).ChangeSigningKeys(context.Background(), policy().Bootstrap(nil))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	keys, _ := postgres.NewKeyStore(pool, nil).SigningKeys(t.Context())
	if len(keys) != 1 {
		t.Fatalf("%d keys after 8 concurrent starts, want 1", len(keys))
	}
}

// TestTwoReplicasRotatingAtOnce: both find the rotation due; one rotates,
// the other then sees the pending key and does nothing.
func TestTwoReplicasRotatingAtOnce(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	p := policy()
	p.Rotation = p.Lead + time.Millisecond // due as soon as the first key signs
	store := postgres.NewKeyStore(pool, nil)
	if _, err := store.ChangeSigningKeys(t.Context(), p.Bootstrap(nil)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	var wg sync.WaitGroup
	changes := make(chan app.KeyChange, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := postgres.NewKeyStore(pool, nil).ChangeSigningKeys(context.Background(), p.Scheduled())
			if err != nil {
				t.Error(err)
			}
			changes <- c
		}()
	}
	wg.Wait()
	close(changes)
	rotated := 0
	for c := range changes {
		if !c.Empty() {
			rotated++
		}
	}
	keys, _ := store.SigningKeys(t.Context())
	if rotated != 1 || len(keys) != 2 {
		t.Fatalf("%d replicas rotated, %d keys; want 1 and 2", rotated, len(keys))
	}
	old, next := keys[0], keys[1]
	if !old.SignUntil.Equal(next.SignFrom) || !old.PublishUntil.Equal(next.SignFrom.Add(p.Retention)) {
		t.Errorf("old key ends signing %v / publishing %v; want %v / %v", old.SignUntil, old.PublishUntil, next.SignFrom, next.SignFrom.Add(p.Retention))
	}
	if lead := next.SignFrom.Sub(next.Created); lead < p.Lead-time.Second {
		t.Errorf("the new key signs %v after it was published, want at least %v", lead, p.Lead)
	}
}

// TestImportedKeyIsImportedOnce: an older release's key file becomes the
// signing key on a fresh database, and is not imported again after it has
// expired and been wiped.
func TestImportedKeyIsImportedOnce(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	store := postgres.NewKeyStore(pool, nil)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	legacy := app.NewSigningKey(priv, app.OriginImported)
	if _, err := store.ChangeSigningKeys(t.Context(), policy().Bootstrap(&legacy)); err != nil {
		t.Fatal(err)
	}
	keys, _ := store.SigningKeys(t.Context())
	if len(keys) != 1 || keys[0].ID != legacy.ID || keys[0].Origin != app.OriginImported || keys[0].State(time.Now()) != app.KeyActive {
		t.Fatalf("keys = %+v; want the imported key, active", keys)
	}
	// Expire it: the next change wipes its private half, and a restart that
	// finds the file again does not bring it back.
	if _, err := pool.Exec(t.Context(), "UPDATE signing_keys SET sign_until = now() - interval '2 hours', publish_until = now() - interval '1 hour', sign_from = now() - interval '3 hours'"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ChangeSigningKeys(t.Context(), policy().Bootstrap(&legacy)); err != nil {
		t.Fatal(err)
	}
	keys, _ = store.SigningKeys(t.Context())
	if len(keys) != 2 {
		t.Fatalf("%d keys, want the expired import and one new key", len(keys))
	}
	for _, k := range keys {
		if k.ID == legacy.ID && (k.Private != nil || k.State(time.Now()) != app.KeyExpired) {
			t.Errorf("the expired import kept its private half or came back: %+v", k.State(time.Now()))
		}
		if k.ID != legacy.ID && k.State(time.Now()) != app.KeyActive {
			t.Errorf("the new key is %s, want active", k.State(time.Now()))
		}
	}
}
