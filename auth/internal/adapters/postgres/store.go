// Package postgres is the auth service's UserRepository on PostgreSQL,
// through the sqlc-generated queries in sqlcdb. Driver errors stop here:
// callers see domain errors or wrapped opaque ones.
package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"prana/auth/internal/adapters/postgres/internal/sqlcdb"
	"prana/auth/internal/app"
	"prana/auth/internal/domain"
)

// Store keeps users in PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
	q    *sqlcdb.Queries
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, q: sqlcdb.New(pool)}
}

// uniqueViolation is SQLSTATE 23505. The users table has unique indexes on
// email (the seed's, on email as typed, and email_key); any of them means
// "taken". Its primary key is unique too, but an id collision is no
// reason to tell a client that its email is taken.
const uniqueViolation = "23505"

// usersPrimaryKey is the constraint behind a user id collision.
const usersPrimaryKey = "users_pkey"

// CreateUser inserts u with its email's key (domain.EmailKey), computed
// here so that no caller can store another. A duplicate email, in any case, is
// domain.ErrEmailTaken: the database decides, so concurrent signups with
// one email cannot both succeed (no check-then-insert race).
func (s *Store) CreateUser(ctx context.Context, u domain.NewUser) (domain.User, error) {
	id, err := uuid.Parse(u.ID)
	if err != nil {
		return domain.User{}, fmt.Errorf("create user: id: %w", err)
	}
	row, err := s.q.CreateUser(ctx, sqlcdb.CreateUserParams{
		ID: id, Name: u.Name, Surname: u.Surname, Email: u.Email, EmailKey: domain.EmailKey(u.Email),
		DateOfBirth: u.DateOfBirth, PasswordHash: u.PasswordHash,
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == uniqueViolation && pgErr.ConstraintName != usersPrimaryKey {
		return domain.User{}, domain.ErrEmailTaken
	}
	if err != nil {
		return domain.User{}, wrap("create user", err)
	}
	return userFromCreated(row), nil
}

// CredentialsByEmail finds a user by email, ignoring case: it looks up the
// stored key, computed in Go, so the database's collation plays no part.
func (s *Store) CredentialsByEmail(ctx context.Context, email string) (domain.Credentials, error) {
	row, err := s.q.UserByEmail(ctx, domain.EmailKey(email))
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Credentials{}, domain.ErrUserNotFound
	}
	if err != nil {
		return domain.Credentials{}, wrap("user by email", err)
	}
	return credentialsFromRow(row), nil
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id string) (domain.User, error) {
	uid, err := uuid.Parse(id)
	if err != nil {
		return domain.User{}, domain.ErrUserNotFound
	}
	row, err := s.q.UserByID(ctx, uid)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.User{}, domain.ErrUserNotFound
	}
	if err != nil {
		return domain.User{}, wrap("user by id", err)
	}
	return credentialsFromRow(row).User, nil
}

// CredentialsByID finds a user and their password hash by id.
func (s *Store) CredentialsByID(ctx context.Context, id string) (domain.Credentials, error) {
	uid, err := uuid.Parse(id)
	if err != nil {
		return domain.Credentials{}, domain.ErrUserNotFound
	}
	row, err := s.q.UserByID(ctx, uid)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Credentials{}, domain.ErrUserNotFound
	}
	if err != nil {
		return domain.Credentials{}, wrap("credentials by id", err)
	}
	return credentialsFromRow(row), nil
}

// ReplacePasswordHash swaps the hash only if it is still oldHash.
func (s *Store) ReplacePasswordHash(ctx context.Context, id, oldHash, newHash string) error {
	uid, err := uuid.Parse(id)
	if err != nil {
		return fmt.Errorf("replace hash: id: %w", err)
	}
	if _, err := s.q.ReplacePasswordHash(ctx, sqlcdb.ReplacePasswordHashParams{ID: uid, OldHash: oldHash, NewHash: newHash}); err != nil {
		return wrap("replace hash", err)
	}
	return nil
}

// HashSettingsInUse lists the distinct settings of the stored password
// hashes (app.HashCensus).
func (s *Store) HashSettingsInUse(ctx context.Context) ([]string, error) {
	settings, err := s.q.HashSettingsInUse(ctx)
	if err != nil {
		return nil, wrap("hash settings in use", err)
	}
	return settings, nil
}

// Ping reports whether the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error {
	return s.pool.Ping(ctx)
}

// wrap names the operation and classifies err: an error PostgreSQL itself
// answered is a bug or a constraint (500); anything else means the
// database could not be reached or did not answer in time, which the
// client may retry (503).
func wrap(op string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %w", op, app.ErrUnavailable, err)
}

var (
	_ app.UserRepository = (*Store)(nil)
	_ app.HashCensus     = (*Store)(nil)
)
