package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestNewDatabaseIsEmptyAndUsable(t *testing.T) {
	t.Parallel()
	dsn := NewDatabase(t)
	conn := connect(t, dsn)
	var tables int
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("new database has %d tables", tables)
	}
	if _, err := conn.Exec(t.Context(), "CREATE TABLE t (id int)"); err != nil {
		t.Fatalf("create table: %v", err)
	}
}

func TestNewDatabaseIsDroppedAfterTheTest(t *testing.T) {
	t.Parallel()
	var name string
	var leftOpen *pgx.Conn
	t.Run("user", func(t *testing.T) {
		// Left open past the subtest on purpose: the drop has to force it closed.
		conn, err := pgx.Connect(t.Context(), NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		leftOpen = conn
		if err := conn.QueryRow(t.Context(), "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
	})
	if leftOpen != nil {
		defer leftOpen.Close(context.Background())
	}
	admin, err := adminURL()
	if err != nil {
		t.Fatal(err)
	}
	var exists bool
	err = connect(t, admin).QueryRow(t.Context(), "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil || exists {
		t.Errorf("database %q still exists after its test: %v, %v", name, exists, err)
	}
}

func TestNewDatabaseInParallelGivesDistinctDatabases(t *testing.T) {
	t.Parallel()
	seen := make(chan string, 8)
	t.Run("group", func(t *testing.T) {
		for i := range cap(seen) {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				seen <- NewDatabase(t)
			})
		}
	})
	close(seen)
	distinct := map[string]bool{}
	for dsn := range seen {
		distinct[dsn] = true
	}
	if len(distinct) != cap(seen) {
		t.Errorf("got %d distinct databases, want %d", len(distinct), cap(seen))
	}
}

// TestServerChoice checks which server NewDatabase used: TEST_DATABASE_URL's when set, a throwaway cluster's
// otherwise.
func TestServerChoice(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	server.mu.Lock()
	c := server.cluster
	server.mu.Unlock()
	if env := os.Getenv(EnvURL); env != "" {
		want, _ := url.Parse(env)
		if u.Host != want.Host || c != nil {
			t.Errorf("with %s=%s: database on %s, throwaway cluster %v", EnvURL, env, u.Host, c)
		}
		return
	}
	if c == nil || u.Host != fmt.Sprintf("127.0.0.1:%d", c.Port) {
		t.Errorf("without %s: database on %s, throwaway cluster %+v", EnvURL, u.Host, c)
	}
}

// TestOtherServerMode reruns this package's database tests in the mode this run is not in: with TEST_DATABASE_URL
// pointing at a throwaway cluster of the test's own when it is unset, and without it when it is set. So one
// `go test` covers both modes on any machine, whether or not something listens on :5432.
func TestOtherServerMode(t *testing.T) {
	t.Parallel()
	env := withoutVar(os.Environ(), EnvURL)
	mode := "without " + EnvURL
	if os.Getenv(EnvURL) == "" {
		dsn := NewCluster(t).DSN("postgres")
		env = append(env, EnvURL+"="+dsn)
		mode = "with " + EnvURL + "=" + dsn
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestNewDatabase|^TestServerChoice$", "-test.v")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestServerChoice") {
		t.Fatalf("tests %s: %v\n%s", mode, err, out)
	}
}

// withoutVar is env without name's entries.
func withoutVar(env []string, name string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

func TestNewClusterCanBeStoppedAndStarted(t *testing.T) {
	t.Parallel()
	c := NewCluster(t)
	ctx := t.Context()
	connect(t, c.DSN("postgres"))

	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if conn, err := pgx.Connect(ctx, c.DSN("postgres")); err == nil {
		conn.Close(ctx)
		t.Fatal("connected to a stopped cluster")
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	connect(t, c.DSN("postgres"))
}

func TestWithDatabase(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"postgres://u:p@h:5/postgres?sslmode=disable": "postgres://u:p@h:5/db1?sslmode=disable",
		"postgresql://h/":               "postgresql://h/db1",
		"host=h user=u dbname=postgres": "host=h user=u dbname=postgres dbname=db1",
	} {
		if got, err := withDatabase(in, "db1"); err != nil || got != want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := withDatabase("postgres://u:secret@h:bad/x", "db1"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("bad URL: err = %v (must be an error without the password)", err)
	}
}

func TestDatabaseName(t *testing.T) {
	t.Parallel()
	a, b := databaseName("TestX/sub case#1"), databaseName("TestX/sub case#1")
	if a == b || !strings.HasPrefix(a, "pgtest_testx_sub_case_1_") {
		t.Errorf("names %q, %q: want distinct, readable", a, b)
	}
	if long := databaseName(strings.Repeat("x", 200)); len(long) > 63 {
		t.Errorf("name %q is %d bytes; PostgreSQL keeps 63", long, len(long))
	}
}

// connect opens a connection that is closed when the test ends.
func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestNewCLocaleDatabaseFoldsASCIIOnly(t *testing.T) {
	t.Parallel()
	conn := connect(t, NewCLocaleDatabase(t))
	var collate, lower string
	if err := conn.QueryRow(t.Context(),
		"SELECT datcollate, lower('ÉMILE') FROM pg_database WHERE datname = current_database()").Scan(&collate, &lower); err != nil {
		t.Fatal(err)
	}
	if collate != "C" || lower != "Émile" {
		t.Errorf("collation %q, lower('ÉMILE') = %q: want C and Émile", collate, lower)
	}
}
