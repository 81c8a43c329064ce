package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"prana/testkit/logtest"
	"prana/testkit/pgtest"
)

// seedSchema is the seed's database as its Alembic migration left it.
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

const seedUserID = "0b7e3c1a-5d2f-4e8a-9c6b-1f2e3d4c5b6a"

// seedDatabase returns a fresh database holding the seed's schema and rows.
func seedDatabase(t *testing.T, rows string) string {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), seedSchema); err != nil {
		t.Fatalf("seed schema: %v", err)
	}
	if _, err := conn.Exec(t.Context(), rows, seedHash); err != nil {
		t.Fatalf("seed rows: %v", err)
	}
	return dsn
}

func storedHash(t *testing.T, dsn, id string) string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var h string
	if err := conn.QueryRow(t.Context(), "SELECT password FROM users WHERE id = $1", id).Scan(&h); err != nil {
		t.Fatalf("read hash: %v", err)
	}
	return h
}

// TestSeedDatabaseIsAdopted: the service starts on the seed's database, the
// seed's user logs in with the passlib hash, which is then replaced by one
// with the current parameters, and still logs in.
func TestSeedDatabaseIsAdopted(t *testing.T) {
	t.Parallel()
	dsn := seedDatabase(t, `INSERT INTO users VALUES
		('`+seedUserID+`', 'Seed', 'User', 'Seed.User@Example.com', '1985-07-14', $1)`)
	before := time.Now().Add(-time.Minute)
	s := startService(t, testConfig(t, dsn))

	token := s.mustLogin(t, "seed.user@example.com", seedPassword)
	if h := storedHash(t, dsn, seedUserID); !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash after login = %q, want a rehash with the current parameters", h)
	}
	s.mustLogin(t, "Seed.User@Example.com", seedPassword)
	if st := s.login(t, "seed.user@example.com", "seed-password-2").StatusCode(); st != http.StatusUnauthorized {
		t.Errorf("wrong password after rehash: status %d, want 401", st)
	}

	me := s.me(t, "Bearer "+token)
	if me.JSON200 == nil {
		t.Fatalf("/me: status %d, body %s", me.StatusCode(), me.Body)
	}
	u := me.JSON200
	if u.Id.String() != seedUserID || u.Name != "Seed" || u.Email != "Seed.User@Example.com" ||
		u.DateOfBirth.String() != "1985-07-14" || u.CreatedAt.Before(before) {
		t.Errorf("seed profile after adoption: %+v", u)
	}
	// The adopted table is case-insensitively unique now.
	resp := s.signup(t, validSignup("SEED.USER@EXAMPLE.COM"))
	problemOf(t, http.StatusConflict, resp.HTTPResponse, resp.Body)
}

// TestSeedDatabaseWithCaseClashStopsStartup: the service refuses to adopt
// a table holding emails that differ only in case, and says which.
func TestSeedDatabaseWithCaseClashStopsStartup(t *testing.T) {
	t.Parallel()
	dsn := seedDatabase(t, `INSERT INTO users VALUES
		(gen_random_uuid(), 'A', 'Upper', 'A@x.io', '1990-01-01', $1),
		(gen_random_uuid(), 'A', 'Lower', 'a@x.io', '1990-01-01', $1)`)
	var logs logtest.Buffer
	_, stop, err := launch(testConfig(t, dsn), &logs)
	if err == nil {
		stop()
		t.Fatal("the service started on a seed database with case-variant duplicate emails")
	}
	for _, want := range []string{"cannot adopt the users table", "a@x.io"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("start-up error %q does not mention %q", err, want)
		}
	}
}
