package postgres

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"prana/auth/internal/adapters/postgres/internal/sqlcdb"
	"prana/auth/internal/app"
)

// Sealer seals private keys at rest. The additional data binds each sealed
// key to its kid, so a sealed key moved to another row does not open.
type Sealer interface {
	Seal(kid string, plaintext []byte) ([]byte, error)
	// Open fails when the key or the data is not the one sealed with.
	Open(kid string, sealed []byte) ([]byte, error)
}

// KeyStore keeps the signing keys in PostgreSQL, where every replica finds
// the same ones.
type KeyStore struct {
	pool   *pgxpool.Pool
	sealer Sealer // nil: private keys are stored as they are
}

// NewKeyStore returns a KeyStore; sealer may be nil (no sealing).
func NewKeyStore(pool *pgxpool.Pool, sealer Sealer) *KeyStore {
	return &KeyStore{pool: pool, sealer: sealer}
}

// SigningKeys returns every stored key, oldest first.
func (s *KeyStore) SigningKeys(ctx context.Context) ([]app.SigningKey, error) {
	rows, err := sqlcdb.New(s.pool).SigningKeys(ctx)
	if err != nil {
		return nil, wrap("signing keys", err)
	}
	return s.keysFromRows(rows)
}

// ChangeSigningKeys runs plan under a transaction-scoped advisory lock, so
// that of replicas starting or rotating at once, one decides and the others
// then see its result.
func (s *KeyStore) ChangeSigningKeys(ctx context.Context, plan app.KeyPlan) (app.KeyChange, error) {
	var change app.KeyChange
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := sqlcdb.New(tx)
		if err := q.LockSigningKeys(ctx); err != nil {
			return err
		}
		now, err := q.DatabaseNow(ctx)
		if err != nil {
			return err
		}
		if _, err := q.WipeExpiredSigningKeys(ctx, now); err != nil {
			return err
		}
		rows, err := q.SigningKeys(ctx)
		if err != nil {
			return err
		}
		keys, err := s.keysFromRows(rows)
		if err != nil {
			return keyError{err}
		}
		if change, err = plan(keys, now); err != nil {
			return keyError{err}
		}
		return s.write(ctx, q, change)
	})
	var ke keyError
	if errors.As(err, &ke) {
		return app.KeyChange{}, fmt.Errorf("change signing keys: %w", ke.err)
	}
	if err != nil {
		return app.KeyChange{}, wrap("change signing keys", err)
	}
	return change, nil
}

// keyError marks a failure of the keys themselves (sealing, the plan), as
// opposed to the database's, which wrap classifies.
type keyError struct{ err error }

func (e keyError) Error() string { return e.err.Error() }

func (s *KeyStore) write(ctx context.Context, q *sqlcdb.Queries, c app.KeyChange) error {
	for _, k := range c.Add {
		p, err := s.insertParams(k)
		if err != nil {
			return err
		}
		if err := q.InsertSigningKey(ctx, p); err != nil {
			return err
		}
	}
	for _, e := range c.End {
		if err := q.ScheduleSigningKeyEnd(ctx, sqlcdb.ScheduleSigningKeyEndParams{
			Kid: e.ID, SignUntil: &e.SignUntil, PublishUntil: &e.PublishUntil,
		}); err != nil {
			return err
		}
	}
	return nil
}

func (s *KeyStore) insertParams(k app.SigningKey) (sqlcdb.InsertSigningKeyParams, error) {
	p := sqlcdb.InsertSigningKeyParams{
		Kid: k.ID, PublicKey: k.Public, PrivateKey: k.Private.Seed(), Origin: k.Origin,
		SignFrom: k.SignFrom, SignUntil: optionalTime(k.SignUntil), PublishUntil: optionalTime(k.PublishUntil),
	}
	if s.sealer != nil {
		sealed, err := s.sealer.Seal(k.ID, p.PrivateKey)
		if err != nil {
			return p, fmt.Errorf("seal signing key: %w", err)
		}
		p.PrivateKey, p.Sealed = sealed, true
	}
	return p, nil
}

func (s *KeyStore) keysFromRows(rows []sqlcdb.SigningKey) ([]app.SigningKey, error) {
	keys := make([]app.SigningKey, 0, len(rows))
	for _, r := range rows {
		k := app.SigningKey{
			ID: r.Kid, Public: ed25519.PublicKey(r.PublicKey), Origin: r.Origin,
			Created: r.CreatedAt, SignFrom: r.SignFrom,
			SignUntil: derefTime(r.SignUntil), PublishUntil: derefTime(r.PublishUntil),
		}
		if r.PrivateKey != nil {
			priv, err := s.openPrivate(r)
			if err != nil {
				return nil, err
			}
			k.Private = priv
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// openPrivate unseals a private key and checks it against its public half:
// a key that does not match is never used to sign.
func (s *KeyStore) openPrivate(r sqlcdb.SigningKey) (ed25519.PrivateKey, error) {
	seed := r.PrivateKey
	if r.Sealed {
		if s.sealer == nil {
			return nil, app.ErrSealKeyMissing
		}
		opened, err := s.sealer.Open(r.Kid, r.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("%w (key %s)", app.ErrSealKeyWrong, r.Kid)
		}
		seed = opened
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("signing key %s: stored private key is malformed", r.Kid)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	if !priv.Public().(ed25519.PublicKey).Equal(ed25519.PublicKey(r.PublicKey)) {
		return nil, fmt.Errorf("signing key %s: private key does not match its public key", r.Kid)
	}
	return priv, nil
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

var _ app.SigningKeyStore = (*KeyStore)(nil)
