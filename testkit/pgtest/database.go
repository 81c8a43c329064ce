package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// objectInUse is SQLSTATE 55006: CREATE DATABASE fails with it while another session is connected to the
// template database, which happens on a shared server that other tools or tests use.
const objectInUse = "55006"

// NewDatabase creates an empty database with a unique name on the shared server and returns its connection URL.
// The database is dropped, with any connections the test left open, when the test ends.
func NewDatabase(t testing.TB) (dsn string) {
	t.Helper()
	return newDatabase(t, "")
}

// NewCLocaleDatabase is NewDatabase with the C locale (LC_COLLATE and LC_CTYPE 'C', UTF-8, from template0): what
// a cluster gets when initdb finds no usable locale. There lower() and upper() change ASCII letters only, so
// code that lets the database fold letter case ("ÉMILE" stays "ÉMILE") shows itself.
func NewCLocaleDatabase(t testing.TB) (dsn string) {
	t.Helper()
	return newDatabase(t, " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
}

// newDatabase creates the database with options appended to CREATE DATABASE.
func newDatabase(t testing.TB, options string) (dsn string) {
	t.Helper()
	admin, err := adminURL()
	if err != nil {
		t.Fatal(err)
	}
	name := databaseName(t.Name())
	dsn, err = withDatabase(admin, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := createDatabase(ctx, admin, name, options); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		// t.Context() is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := adminExec(ctx, admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return dsn
}

// createDatabase creates database name, retrying while the template database is busy.
func createDatabase(ctx context.Context, admin, name, options string) error {
	var pgErr *pgconn.PgError
	for attempt := 1; ; attempt++ {
		err := adminExec(ctx, admin, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+options)
		if err == nil {
			return nil
		}
		if !errors.As(err, &pgErr) || pgErr.Code != objectInUse || attempt == 10 {
			return fmt.Errorf("create database %s: %w", name, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("create database %s: %w", name, err)
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
}

// adminExec runs one statement on the admin connection URL. A connection per call keeps the package free of
// state to close; it costs a few milliseconds per test.
func adminExec(ctx context.Context, admin, sql string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("exec: %w", err)
	}
	return nil
}

// databaseName makes a unique, readable database name from a test name: the random suffix keeps test binaries
// that share one TEST_DATABASE_URL server (go test runs packages in parallel) from colliding, and the test name
// helps when looking at a server that a crashed run left databases on. PostgreSQL cuts names at 63 bytes.
func databaseName(testName string) string {
	var b strings.Builder
	b.WriteString("pgtest_")
	for _, r := range strings.ToLower(testName) {
		if b.Len() >= 40 {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix) // crypto/rand.Read never fails
	b.WriteString("_" + hex.EncodeToString(suffix))
	return b.String()
}

// withDatabase returns the admin connection string with its database replaced by name. It accepts both forms
// libpq does: a URL, and "key=value" pairs (where a later key wins).
func withDatabase(admin, name string) (string, error) {
	if !strings.HasPrefix(admin, "postgres://") && !strings.HasPrefix(admin, "postgresql://") {
		return admin + " dbname=" + name, nil
	}
	u, err := url.Parse(admin)
	if err != nil {
		// url.Error quotes the whole URL, password included; its inner error does not.
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		return "", fmt.Errorf("parse %s: %w", EnvURL, err)
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}
