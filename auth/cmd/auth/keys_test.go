package main

import (
	"bytes"
	"crypto/ed25519"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"prana/auth/internal/adapters/jwtissuer"
	"prana/auth/internal/app"
	"prana/auth/internal/config"
	"prana/shared/logging"
	"prana/testkit/pgtest"
)

// TestSealedKeysNeedTheirSealKey: keys sealed with one JWT_KEY_SEAL_KEY
// stop a replica started with another (or none) at start, with a message
// naming the variable, and the stored keys are left as they were.
func TestSealedKeysNeedTheirSealKey(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, pgtest.NewDatabase(t))
	cfg.KeySealKey = strings.Repeat("right-seal-key-", 3)
	first := startService(t, cfg)
	req := validSignup(uniqueEmail("sealed"))
	first.mustSignup(t, req)
	token := first.mustLogin(t, req.Email, req.Password)
	before := jwks(t, first)

	for name, edit := range map[string]func(*config.Config){
		"wrong seal key": func(c *config.Config) { c.KeySealKey = strings.Repeat("wrong-seal-key-", 3) },
		"no seal key":    func(c *config.Config) { c.KeySealKey = "" },
	} {
		other := cfg
		other.DataDir = t.TempDir()
		edit(&other)
		var logs bytes.Buffer
		_, stop, err := launch(other, &logs)
		if err == nil {
			_ = stop()
			t.Fatalf("%s: the replica started", name)
		}
		if !strings.Contains(err.Error(), "JWT_KEY_SEAL_KEY") {
			t.Errorf("%s: error %q does not name JWT_KEY_SEAL_KEY", name, err)
		}
	}
	if after := jwks(t, first); len(after) != len(before) || after[0].Kid != before[0].Kid {
		t.Errorf("the refused starts changed the keys: %v → %v", before, after)
	}
	if me := first.me(t, "Bearer "+token); me.StatusCode() != http.StatusOK {
		t.Errorf("token after the refused starts: %d", me.StatusCode())
	}
	// The right key opens them on a second replica: same kid, same tokens.
	second := cfg
	second.DataDir = t.TempDir()
	s2 := startService(t, second)
	if me := s2.me(t, "Bearer "+token); me.StatusCode() != http.StatusOK {
		t.Errorf("second replica refused the first one's token: %d", me.StatusCode())
	}
}

// TestUnsealedKeysAreAnnounced: without a seal key the service says once,
// at start, that the keys are stored unsealed.
func TestUnsealedKeysAreAnnounced(t *testing.T) {
	t.Parallel()
	s := newService(t)
	s.mustSignup(t, validSignup(uniqueEmail("unsealed"))) // a request, for the log check
	if n := strings.Count(s.logs.String(), "stored unsealed"); n != 1 {
		t.Errorf("the unsealed warning appears %d times, want once", n)
	}
}

// TestLegacyKeyFileIsImported: a token signed before the upgrade, with the
// key file an older release generated under DATA_DIR, keeps working, on
// this replica and on one with an empty disk.
func TestLegacyKeyFileIsImported(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, pgtest.NewDatabase(t))
	legacy := newKey(t)
	if err := jwtissuer.WriteKey(filepath.Join(cfg.DataDir, "auth", "jwt-ed25519.pem"), legacy); err != nil {
		t.Fatal(err)
	}
	s := startService(t, cfg)
	u := s.mustSignup(t, validSignup(uniqueEmail("legacy")))
	old := signAs(t, legacy, time.Hour, u)
	other := cfg
	other.DataDir = t.TempDir()
	s2 := startService(t, other)
	for i, svc := range []*service{s, s2} {
		if me := svc.me(t, "Bearer "+old); me.StatusCode() != http.StatusOK {
			t.Errorf("replica %d: a token of the imported key got %d", i+1, me.StatusCode())
		}
	}
	keys := storedKeys(t, cfg.DatabaseURL)
	if len(keys) != 1 || keys[0].ID != app.KeyID(legacy.Public().(ed25519.PublicKey)) || keys[0].Origin != app.OriginImported {
		t.Errorf("stored keys %+v, want just the imported one", keys)
	}
}

// TestOperatorKeyFileSigns: with JWT_PRIVATE_KEY_FILE that key signs and
// nothing is generated.
func TestOperatorKeyFileSigns(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, pgtest.NewDatabase(t))
	key := newKey(t)
	cfg.PrivateKeyFile = filepath.Join(t.TempDir(), "signing.pem")
	if err := jwtissuer.WriteKey(cfg.PrivateKeyFile, key); err != nil {
		t.Fatal(err)
	}
	s := startService(t, cfg)
	req := validSignup(uniqueEmail("ownkey"))
	s.mustSignup(t, req)
	header, _ := decodeJWT(t, s.mustLogin(t, req.Email, req.Password))
	if header["kid"] != app.KeyID(key.Public().(ed25519.PublicKey)) {
		t.Errorf("token kid %v, want the operator's key", header["kid"])
	}
	if keys := storedKeys(t, cfg.DatabaseURL); len(keys) != 0 {
		t.Errorf("%d keys were generated, want none", len(keys))
	}
}

// TestKeysCommand: `auth keys list` shows the key and its state; `auth keys
// rotate` publishes a new one that does not sign yet.
func TestKeysCommand(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, pgtest.NewDatabase(t))
	s := startService(t, cfg)
	kid := jwks(t, s)[0].Kid
	log := logging.New(io.Discard, "error", "auth")
	var out bytes.Buffer
	if err := keysCommand(t.Context(), cfg, log, []string{"list"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), kid) || !strings.Contains(out.String(), "active") {
		t.Fatalf("keys list:\n%s", out.String())
	}
	out.Reset()
	if err := keysCommand(t.Context(), cfg, log, []string{"rotate"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "pending") || !strings.Contains(out.String(), "new key") {
		t.Fatalf("keys rotate:\n%s", out.String())
	}
	if err := keysCommand(t.Context(), cfg, log, []string{"bogus"}, &out); err == nil {
		t.Fatal("an unknown keys command was accepted")
	}
}
