package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	devstack "prana/devstack/stack"
	"prana/testkit/pgtest"
)

// TestReplicasMigrateTogether starts five auth processes at the same moment
// on an empty database, three times over on fresh databases: all must
// become ready, and each migration must be applied exactly once (one row
// per migration in goose's version table).
func TestReplicasMigrateTogether(t *testing.T) {
	t.Parallel()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "sql", "migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found under %s: %v", root, err)
	}
	// Versions run 1..N with no gap: the SQL files' numbers, and the auth
	// service's Go migrations in between (6 fills users.email_key).
	migrations := 0
	for _, f := range files {
		var n int
		if _, err := fmt.Sscanf(filepath.Base(f), "%d_", &n); err != nil {
			t.Fatalf("migration %s: no version number", f)
		}
		migrations = max(migrations, n)
	}
	for round := range 3 {
		t.Run(fmt.Sprintf("round %d", round+1), func(t *testing.T) {
			dsn := pgtest.NewDatabase(t)
			c := &cluster{stack: &stack{dir: t.TempDir()}}
			t.Cleanup(func() {
				c.shutdown(t)
				c.checkLogs(t)
				if t.Failed() || os.Getenv("E2E_DUMP") != "" {
					c.dumpLogs(t)
				}
			})
			base := slices.Concat([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + c.dir}, awsSettings("e2e-mig-"+randomHex(4)))
			start := time.Now()
			for i := range 5 {
				u := "http://" + freeAddr(t)
				dir := c.replicaDir(t, "auth", i)
				c.auth = append(c.auth, &replica{URL: u, proc: c.startNamed(t, "auth", i, dir, slices.Concat(base, []string{
					replicaAuthEnv[0], "DATABASE_URL=" + dsn, "DATA_DIR=" + filepath.Join(dir, "data"), "AUTH_ADDR=" + u[len("http://"):],
				}))})
			}
			errs := make(chan error, len(c.auth))
			var wg sync.WaitGroup
			for _, r := range c.auth {
				wg.Go(func() { errs <- r.ready(45 * time.Second) })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			t.Logf("5 auth processes on an empty database: all ready in %s", time.Since(start).Round(time.Millisecond))
			checkMigratedOnce(t, dsn, migrations)
		})
	}
}

// checkMigratedOnce fails unless goose's version table holds exactly one
// applied row per migration (and its initial version-0 row, once).
func checkMigratedOnce(t *testing.T, dsn string, migrations int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(ctx, `SELECT version_id, count(*) FROM goose_db_version GROUP BY version_id ORDER BY version_id`)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[int64]int64{}
	for rows.Next() {
		var version, n int64
		if err := rows.Scan(&version, &n); err != nil {
			t.Fatal(err)
		}
		counts[version] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for version, n := range counts {
		if n != 1 {
			t.Errorf("goose_db_version has %d rows for version %d, want 1", n, version)
		}
	}
	for v := range int64(migrations) + 1 {
		if counts[v] == 0 {
			t.Errorf("goose_db_version lacks version %d, want versions 0 to %d: %v", v, migrations, counts)
		}
	}
	if len(counts) != migrations+1 {
		t.Errorf("goose_db_version lists %d versions, want 0 to %d: %v", len(counts), migrations, counts)
	}
}
