// Package pgtest gives tests real PostgreSQL databases: a fresh, empty database per test on a shared server, and
// whole clusters of their own for tests that stop and restart the server. It is test support: import it from
// _test.go files only.
//
// The shared server is TEST_DATABASE_URL when set (any role that may CREATE and DROP DATABASE); otherwise a
// throwaway cluster that this package starts, once per test binary and only when a test first asks for a
// database, and removes when the tests end. Wire it up with
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"prana/testkit/pgcluster"
)

// EnvURL names the environment variable that points the tests at an existing server instead of a throwaway one.
const EnvURL = "TEST_DATABASE_URL"

// server is the shared server of this test binary.
var server struct {
	mu      sync.Mutex
	inMain  bool
	url     string             // admin connection URL; set once known
	err     error              // why the throwaway cluster could not start; sticky, so every test reports it
	cluster *pgcluster.Cluster // the throwaway cluster, if one was started
}

// Main runs the tests (m.Run) and then stops and removes the throwaway cluster, if one was started. Call it from
// TestMain and pass its result to os.Exit.
func Main(m *testing.M) int {
	server.mu.Lock()
	server.inMain = true
	server.url = os.Getenv(EnvURL)
	server.mu.Unlock()

	code := m.Run()

	server.mu.Lock()
	defer server.mu.Unlock()
	if c := server.cluster; c != nil {
		server.cluster = nil
		if err := removeCluster(c); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// adminURL returns the URL of the shared server, starting the throwaway cluster on first use. Starting under the
// lock makes parallel tests wait for the one cluster instead of each starting their own.
func adminURL() (string, error) {
	server.mu.Lock()
	defer server.mu.Unlock()
	if !server.inMain {
		return "", errors.New("pgtest: no server: add `func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }` " +
			"to the package's tests")
	}
	if server.url != "" || server.err != nil {
		return server.url, server.err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := startCluster(ctx, "pgtest-")
	if err != nil {
		server.err = fmt.Errorf("pgtest: start a throwaway PostgreSQL (or set %s): %w", EnvURL, err)
		return "", server.err
	}
	server.cluster = c
	server.url = c.DSN("postgres")
	return server.url, nil
}

// NewCluster starts a cluster of the test's own on a free port, for tests that stop and start the server (to
// check that a service answers 503 while the database is down and recovers after). It is running when
// NewCluster returns; it is stopped and removed when the test ends. It ignores TEST_DATABASE_URL: a shared
// server is not one a test may stop.
func NewCluster(t testing.TB) *pgcluster.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c, err := startCluster(ctx, "pgtest-cluster-")
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := removeCluster(c); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return c
}

// startCluster creates and starts a throwaway cluster. Its directory is under os.TempDir() (on Linux /tmp, which
// everyone may traverse) rather than t.TempDir(), whose 0700 parents the postgres user could not pass when the
// tests run as root. The port is free when chosen but may be taken before the server binds it, hence the retries.
func startCluster(ctx context.Context, prefix string) (*pgcluster.Cluster, error) {
	bin, err := pgcluster.Find()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, fmt.Errorf("cluster dir: %w", err)
	}
	c := &pgcluster.Cluster{Dir: dir, BinDir: bin, DisableFsync: true}
	if err := c.Init(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		if c.Port, err = pgcluster.FreePort(); err != nil {
			break
		}
		err = c.Start(ctx)
		if err == nil || attempt == 3 || !strings.Contains(err.Error(), "already in use") {
			break
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// removeCluster stops c and deletes its directory.
func removeCluster(c *pgcluster.Cluster) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Stop(ctx); err != nil {
		return fmt.Errorf("stop throwaway cluster %s: %w", c.Dir, err)
	}
	if err := os.RemoveAll(c.Dir); err != nil {
		return fmt.Errorf("remove throwaway cluster: %w", err)
	}
	return nil
}
