package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"prana/auth/internal/adapters/jwtissuer"
	"prana/auth/internal/adapters/keyseal"
	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/app"
	"prana/auth/internal/config"
)

// startKeyRing loads the shared signing keys, creating the first one or
// importing an older release's key file when there is call to. It fails,
// naming the setting, when the stored keys cannot be opened.
func startKeyRing(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, log *slog.Logger) (*app.KeyRing, error) {
	ring, err := newKeyRing(cfg, pool, log)
	if err != nil {
		return nil, err
	}
	var imported *app.SigningKey
	if cfg.PrivateKeyFile == "" {
		if imported, err = legacyKey(cfg); err != nil {
			return nil, err
		}
	}
	if err := ring.Start(ctx, imported); err != nil {
		return nil, sealError(err)
	}
	return ring, nil
}

// newKeyRing wires the key store, its sealer and the rotation policy.
func newKeyRing(cfg config.Config, pool *pgxpool.Pool, log *slog.Logger) (*app.KeyRing, error) {
	sealer, err := newSealer(cfg, log)
	if err != nil {
		return nil, err
	}
	rc := app.KeyRingConfig{
		Store: postgres.NewKeyStore(pool, sealer),
		Policy: app.KeyPolicy{
			Rotation: cfg.KeyRotation, Lead: cfg.KeyPublishLead(), Retention: cfg.KeyRetention(),
		},
		Log: log,
	}
	if cfg.PrivateKeyFile != "" {
		priv, err := jwtissuer.LoadKey(cfg.PrivateKeyFile)
		if err != nil {
			return nil, fmt.Errorf("JWT_PRIVATE_KEY_FILE: %w", err)
		}
		k := app.NewSigningKey(priv, app.OriginFile)
		rc.Fixed = &k
	}
	for _, p := range cfg.PreviousKeyFiles {
		pub, err := jwtissuer.LoadPublicKey(p)
		if err != nil {
			return nil, fmt.Errorf("JWT_PREVIOUS_PUBLIC_KEY_FILES: %w", err)
		}
		rc.Extra = append(rc.Extra, app.SigningKey{ID: app.KeyID(pub), Public: pub, Origin: app.OriginFile})
	}
	return app.NewKeyRing(rc), nil
}

// newSealer reads the seal key. Without one, keys are stored as they are,
// and the service says so once.
func newSealer(cfg config.Config, log *slog.Logger) (postgres.Sealer, error) {
	secret, name := cfg.KeySealKey, "JWT_KEY_SEAL_KEY"
	if cfg.KeySealKeyFile != "" {
		data, err := os.ReadFile(cfg.KeySealKeyFile)
		if err != nil {
			return nil, fmt.Errorf("JWT_KEY_SEAL_KEY_FILE: %w", err)
		}
		secret, name = strings.TrimRight(string(data), "\r\n"), "JWT_KEY_SEAL_KEY_FILE"
	}
	if secret == "" {
		log.Warn("signing keys are stored unsealed in PostgreSQL: set JWT_KEY_SEAL_KEY or JWT_KEY_SEAL_KEY_FILE so that a database dump alone cannot sign tokens")
		return nil, nil
	}
	s, err := keyseal.New([]byte(secret))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// legacyKey is the key file an older release generated under DATA_DIR, if
// there is one: it is imported so that the tokens it signed keep verifying.
func legacyKey(cfg config.Config) (*app.SigningKey, error) {
	path := filepath.Join(cfg.DataDir, "auth", "jwt-ed25519.pem")
	priv, err := jwtissuer.LoadLegacyKey(path)
	if err != nil {
		return nil, fmt.Errorf("DATA_DIR: %w", err)
	}
	if priv == nil {
		return nil, nil
	}
	k := app.NewSigningKey(priv, app.OriginImported)
	return &k, nil
}

// sealError names the setting to fix when the stored keys do not open.
func sealError(err error) error {
	switch {
	case errors.Is(err, app.ErrSealKeyMissing):
		return fmt.Errorf("JWT_KEY_SEAL_KEY: %w; set the seal key they were sealed with (or JWT_KEY_SEAL_KEY_FILE)", err)
	case errors.Is(err, app.ErrSealKeyWrong):
		return fmt.Errorf("JWT_KEY_SEAL_KEY: %w; nothing was changed: start with the seal key they were sealed with", err)
	}
	return err
}

// keysCommand is `auth keys list` and `auth keys rotate`.
func keysCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	if cfg.Algorithm != "EdDSA" {
		return errors.New("keys: ALGORITHM is HS256: there are no signing keys, only SECRET_KEY")
	}
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	ring, err := newKeyRing(cfg, pool, log)
	if err != nil {
		return err
	}
	if err := ring.Reload(ctx); err != nil {
		return sealError(err)
	}
	sub := "list"
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "list":
		return printKeys(out, ring.Keys(), ring.Now())
	case "rotate":
		c, err := ring.Rotate(ctx)
		if err != nil {
			return sealError(err)
		}
		if len(c.Add) == 0 {
			fmt.Fprintln(out, "a rotation is already under way (or there is no active key yet); nothing changed")
		}
		for _, k := range c.Add {
			fmt.Fprintf(out, "new key %s is published now and signs from %s\n", k.ID, k.SignFrom.UTC().Format(time.RFC3339))
		}
		return printKeys(out, ring.Keys(), ring.Now())
	default:
		return fmt.Errorf("keys: unknown command %q (use list or rotate)", sub)
	}
}

func printKeys(out io.Writer, keys []app.SigningKey, now time.Time) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "KID\tSTATE\tORIGIN\tCREATED\tSIGNS FROM\tSIGNS UNTIL\tPUBLISHED UNTIL")
	for _, k := range keys {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.State(now), k.Origin,
			stamp(k.Created), stamp(k.SignFrom), stamp(k.SignUntil), stamp(k.PublishUntil))
	}
	return w.Flush()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
