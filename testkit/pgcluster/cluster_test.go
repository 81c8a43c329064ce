package pgcluster_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"prana/testkit/pgcluster"
)

// TestClusterLifecycle runs one real cluster through everything: a failed start (port taken), start, databases,
// stop, restart. One cluster for all of it, because initdb is the slow part.
func TestClusterLifecycle(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	bin, err := pgcluster.Find()
	if err != nil {
		t.Fatal(err)
	}
	// Under os.TempDir() rather than t.TempDir(): the latter's parents are 0700, which the postgres user (when the
	// test runs as root) could not pass without prepareDir changing their permissions.
	base, err := os.MkdirTemp("", "pgcluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })

	// A directory name with a space and a quote checks the quoting of pg_ctl's -o options.
	c := &pgcluster.Cluster{Dir: filepath.Join(base, "data dir's"), BinDir: bin, DisableFsync: true}
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("cleanup stop: %v", err)
		}
	})
	if err := c.Init(ctx); err != nil {
		t.Fatalf("Init: %v", err)
	}
	if err := c.Init(ctx); err != nil {
		t.Fatalf("second Init (should be a no-op): %v", err)
	}

	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.Port = taken.Addr().(*net.TCPAddr).Port
	err = c.Start(ctx)
	taken.Close()
	if err == nil {
		t.Fatal("Start on a taken port succeeded")
	}
	t.Logf("start on a taken port, as expected: %v", err)
	if !strings.Contains(err.Error(), "already in use") {
		t.Errorf("start error lacks the server log's reason:\n%v", err)
	}

	if c.Port, err = pgcluster.FreePort(); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := c.Start(ctx); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("second Start = %v, want 'already running'", err)
	}
	for range 2 {
		if err := c.CreateDatabase(ctx, "app-db"); err != nil {
			t.Fatalf("CreateDatabase: %v", err)
		}
	}
	ping(t, ctx, c.DSN("app-db"))

	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if running, err := c.Running(ctx); err != nil || running {
		t.Fatalf("Running after Stop = %v, %v", running, err)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop when stopped: %v", err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatalf("restart: %v", err)
	}
	ping(t, ctx, c.DSN("app-db"))
	if _, err := os.Stat(c.LogPath()); err != nil {
		t.Errorf("server log: %v", err)
	}
}

// ping connects to dsn and runs a query.
func ping(t *testing.T, ctx context.Context, dsn string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	defer conn.Close(ctx)
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
}
