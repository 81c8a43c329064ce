package postgres_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"prana/auth/internal/adapters/postgres"
	"prana/testkit/logtest"
	"prana/testkit/pgtest"
)

// seedSchema is the users table exactly as the seed's Alembic migration
// made it, plus Alembic's bookkeeping table.
const seedSchema = `
CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
INSERT INTO alembic_version VALUES ('3f1c2a9d8b7e');
CREATE TABLE users (
    id            uuid         NOT NULL PRIMARY KEY,
    name          varchar(64)  NOT NULL,
    surname       varchar(64)  NOT NULL,
    email         varchar(128) NOT NULL UNIQUE,
    date_of_birth date         NOT NULL,
    password      varchar(128) NOT NULL
);`

// seedHash was written by passlib for the seed; its password is
// "seed-password-1".
const seedHash = "$argon2id$v=19$m=102400,t=2,p=8$QMj5v3eu9X5vTUkJIYSQsg$cSv2ZaZNNi7gOGKTt0mCLQ"

const seedUserID = "0b7e3c1a-5d2f-4e8a-9c6b-1f2e3d4c5b6a"

func exec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(t.Context(), sql, args...); err != nil {
		t.Fatalf("exec %q: %v", sql, err)
	}
}

func TestMigrateTwiceIsANoOp(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	var logs logtest.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	if err := postgres.Migrate(t.Context(), pool, log); err != nil {
		t.Fatalf("first migrate: %v", err)
	}
	if n := strings.Count(logs.String(), "migration applied"); n < 2 {
		t.Fatalf("first run applied %d migrations, want at least 2:\n%s", n, logs.String())
	}
	versions := gooseVersions(t, pool)

	logs = logtest.Buffer{}
	if err := postgres.Migrate(t.Context(), pool, log); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if strings.Contains(logs.String(), "migration applied") {
		t.Errorf("second run applied migrations:\n%s", logs.String())
	}
	if again := gooseVersions(t, pool); again != versions {
		t.Errorf("goose version rows changed from %d to %d", versions, again)
	}
	// And the schema works.
	create(t, postgres.NewStore(pool), newUser("after-rerun@example.com"))
}

func gooseVersions(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM goose_db_version").Scan(&n); err != nil {
		t.Fatalf("read goose versions: %v", err)
	}
	return n
}

// TestMigrateAdoptsSeedTable: rows the seed wrote survive, gain a
// created_at, and the case-insensitive unique index appears.
func TestMigrateAdoptsSeedTable(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	exec(t, pool, seedSchema)
	exec(t, pool, `INSERT INTO users VALUES ($1, 'Seed', 'User', 'Seed.User@Example.com', '1985-07-14', $2)`,
		seedUserID, seedHash)

	before := time.Now().Add(-time.Minute)
	if err := postgres.Migrate(t.Context(), pool, discardLog()); err != nil {
		t.Fatalf("migrate a seed database: %v", err)
	}
	s := postgres.NewStore(pool)
	c, err := s.CredentialsByEmail(t.Context(), "seed.user@example.com")
	if err != nil {
		t.Fatalf("seed user after adoption: %v", err)
	}
	u := c.User
	if u.ID != seedUserID || u.Name != "Seed" || u.Surname != "User" || u.Email != "Seed.User@Example.com" ||
		u.DateOfBirth.Format("2006-01-02") != "1985-07-14" || c.PasswordHash != seedHash {
		t.Errorf("seed row changed by adoption: %+v, hash %q", u, c.PasswordHash)
	}
	if u.CreatedAt.Before(before) {
		t.Errorf("seed row created_at = %v, want the adoption time", u.CreatedAt)
	}

	// The case-insensitive uniqueness is the email_key column's, filled in
	// Go for the seed's rows, and no longer lower(email)'s.
	var key, indexDef string
	if err := pool.QueryRow(t.Context(), "SELECT email_key FROM users WHERE id = $1", seedUserID).Scan(&key); err != nil {
		t.Fatalf("email_key of the seed row: %v", err)
	}
	if key != "seed.user@example.com" {
		t.Errorf("seed row email_key = %q, want seed.user@example.com", key)
	}
	err = pool.QueryRow(t.Context(),
		`SELECT indexdef FROM pg_indexes WHERE tablename = 'users' AND indexname = 'users_email_key_key'`).Scan(&indexDef)
	if err != nil {
		t.Fatalf("email_key index: %v", err)
	}
	if !strings.Contains(indexDef, "UNIQUE") || !strings.Contains(indexDef, "(email_key)") {
		t.Errorf("index definition %q: want a unique index on email_key", indexDef)
	}
	var lowerIndexes int
	if err := pool.QueryRow(t.Context(),
		`SELECT count(*) FROM pg_indexes WHERE tablename = 'users' AND indexdef LIKE '%lower(%'`).Scan(&lowerIndexes); err != nil || lowerIndexes != 0 {
		t.Errorf("%d indexes on lower(email) left (err %v): the collation would still decide", lowerIndexes, err)
	}
	var nullable string
	if err := pool.QueryRow(t.Context(),
		`SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email_key'`).Scan(&nullable); err != nil || nullable != "NO" {
		t.Errorf("email_key is_nullable = %q (err %v), want NO", nullable, err)
	}
	var alembic string
	if err := pool.QueryRow(t.Context(), "SELECT version_num FROM alembic_version").Scan(&alembic); err != nil {
		t.Errorf("alembic_version lost: %v", err)
	}
	// The adopted table now refuses a case variant of the seed's email.
	dup := newUser("SEED.USER@example.com")
	if _, err := s.CreateUser(t.Context(), dup); err == nil {
		t.Error("case-variant duplicate of a seed email was accepted after adoption")
	}
}

// TestMigrateRefusesCaseVariantDuplicates: a seed database holding emails
// that differ only in case cannot be adopted, and the error says which.
func TestMigrateRefusesCaseVariantDuplicates(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	exec(t, pool, seedSchema)
	exec(t, pool, `INSERT INTO users VALUES
		(gen_random_uuid(), 'A', 'Upper', 'A@x.io', '1990-01-01', $1),
		(gen_random_uuid(), 'A', 'Lower', 'a@x.io', '1990-01-01', $1),
		(gen_random_uuid(), 'B', 'Single', 'b@x.io', '1990-01-01', $1)`, seedHash)

	err := postgres.Migrate(t.Context(), pool, discardLog())
	if err == nil {
		t.Fatal("migrate succeeded on a seed database with case-variant duplicate emails")
	}
	msg := err.Error()
	for _, want := range []string{"cannot adopt the users table", "a@x.io"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "b@x.io") {
		t.Errorf("error %q names an email that does not clash", msg)
	}
	// Nothing was half-applied: the seed's rows are untouched and the
	// migration can run once the clash is resolved.
	if n := countUsers(t, pool); n != 3 {
		t.Fatalf("%d users after the failed migration, want 3", n)
	}
	exec(t, pool, `DELETE FROM users WHERE email = 'A@x.io'`)
	if err := postgres.Migrate(t.Context(), pool, discardLog()); err != nil {
		t.Fatalf("migrate after resolving the clash: %v", err)
	}
}

// TestMigrateRefusesAccentSpellingDuplicates: a seed database holding one
// email twice, composed and decomposed ("é" and "e" + U+0301), or in a
// letter case lower() cannot see under the C locale, cannot be adopted
// either: the Go migration that fills email_key says which, and leaves the
// table as it was.
func TestMigrateRefusesAccentSpellingDuplicates(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(t.Context(), pgtest.NewCLocaleDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	exec(t, pool, seedSchema)
	exec(t, pool, `INSERT INTO users VALUES
		(gen_random_uuid(), 'E', 'Composed', 'émile@x.io', '1990-01-01', $1),
		(gen_random_uuid(), 'E', 'Decomposed', 'émile@x.io', '1990-01-01', $1),
		(gen_random_uuid(), 'Z', 'Upper', 'ŽOFIA@x.io', '1990-01-01', $1),
		(gen_random_uuid(), 'Z', 'Lower', 'žofia@x.io', '1990-01-01', $1),
		(gen_random_uuid(), 'B', 'Single', 'b@x.io', '1990-01-01', $1)`, seedHash)

	err = postgres.Migrate(t.Context(), pool, discardLog())
	if err == nil {
		t.Fatal("migrate succeeded on a seed database holding one email in two spellings")
	}
	msg := err.Error()
	for _, want := range []string{"cannot adopt the users table", "émile@x.io", "žofia@x.io"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "b@x.io") {
		t.Errorf("error %q names an email that does not clash", msg)
	}
	var keyed int
	if err := pool.QueryRow(t.Context(), "SELECT count(email_key) FROM users").Scan(&keyed); err != nil || keyed != 0 {
		t.Errorf("%d rows keyed (err %v) after the failed migration, want none", keyed, err)
	}
	exec(t, pool, "DELETE FROM users WHERE surname IN ('Decomposed', 'Upper')")
	if err := postgres.Migrate(t.Context(), pool, discardLog()); err != nil {
		t.Fatalf("migrate after resolving the clash: %v", err)
	}
}

// TestMigrateFiveAtOnce: five replicas starting together on an empty
// database all succeed, and each migration is applied once. Several rounds,
// each on a fresh database.
func TestMigrateFiveAtOnce(t *testing.T) {
	t.Parallel()
	for round := range 3 {
		pool := newPool(t)
		var wg sync.WaitGroup
		errs := make(chan error, 5)
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- postgres.Migrate(context.Background(), pool, discardLog())
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		var applied, distinct int
		if err := pool.QueryRow(t.Context(),
			"SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0").Scan(&applied, &distinct); err != nil {
			t.Fatal(err)
		}
		// Plus one: migration 6 is Go (migrate_email_key.go).
		if want := len(migrationFiles(t)) + 1; applied != distinct || applied != want {
			t.Fatalf("round %d: %d version rows for %d distinct versions and %d migrations; want one row per migration", round, applied, distinct, want)
		}
	}
}

func migrationFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../../../sql/migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v (%d files)", err, len(files))
	}
	return files
}
