// Package pgcluster runs a private PostgreSQL cluster with the server binaries (initdb, pg_ctl, postgres): for a
// developer's `make run` and for tests. The cluster listens on 127.0.0.1 only and trusts every local connection,
// which is what makes it convenient and why it must never hold anything but development data.
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Cluster is one PostgreSQL data directory and the server that runs on it. Its methods are not safe for
// concurrent use.
type Cluster struct {
	// Dir is the data directory. The server log (see LogPath) and the Unix socket live there too.
	Dir string
	// Port is the TCP port the server listens on, on 127.0.0.1 only.
	Port int
	// BinDir holds initdb, pg_ctl and postgres; when empty, Find is called.
	BinDir string
	// DisableFsync turns off fsync, synchronous_commit and full_page_writes and makes initdb skip its syncs:
	// much faster, but a machine crash can corrupt the cluster. For throwaway test clusters only.
	DisableFsync bool
	// Logger receives notices about changes made outside Dir (permissions fixed for the postgres user);
	// nil means silent.
	Logger *slog.Logger
}

// pgVersionFile marks an initialised data directory.
const pgVersionFile = "PG_VERSION"

// LogPath is the file that receives the server's output.
func (c *Cluster) LogPath() string {
	return filepath.Join(c.Dir, "postgres.log")
}

// DSN returns a connection URL for database db as the superuser postgres (no password: the cluster trusts
// local connections).
func (c *Cluster) DSN(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     "127.0.0.1:" + strconv.Itoa(c.Port),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Init creates the cluster with initdb unless Dir already holds one (has a PG_VERSION file), so it is safe to
// call on every start.
func (c *Cluster) Init(ctx context.Context) error {
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return fmt.Errorf("init cluster: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, pgVersionFile)); err == nil {
		return nil
	}
	// Parents get the usual 0755 so that the postgres user can pass them (see prepareDir); the data directory
	// itself 0700, which the server insists on.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("init cluster: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("init cluster: %w", err)
	}
	if err := c.prepareDir(dir); err != nil {
		return fmt.Errorf("init cluster: %w", err)
	}
	args := []string{"-D", dir, "--auth=trust", "-U", "postgres", "--encoding=UTF8"}
	if c.DisableFsync {
		args = append(args, "--no-sync")
	}
	out, err := c.run(ctx, dir, "initdb", append(args, "--locale=C.UTF-8")...)
	if err != nil {
		// C.UTF-8 is missing on some systems (older macOS, minimal images); plain C works everywhere and still
		// stores UTF-8, it only sorts by byte. Retried on any failure because initdb's "invalid locale name"
		// may come translated; initdb removes what it created, and a failure for another reason fails again
		// and is reported below.
		out, err = c.run(ctx, dir, "initdb", append(args, "--locale=C")...)
	}
	if err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, lastLines(out, 20))
	}
	return nil
}

// Start starts the server and waits until it accepts connections. It listens on 127.0.0.1:Port only and puts
// its Unix socket in Dir, so it never collides with a system server's /var/run/postgresql socket. When the
// server does not come up, the error includes the end of its log.
func (c *Cluster) Start(ctx context.Context) error {
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return fmt.Errorf("start cluster: %w", err)
	}
	if running, err := c.Running(ctx); err != nil {
		return fmt.Errorf("start cluster: %w", err)
	} else if running {
		return fmt.Errorf("start cluster: a server is already running on %s", dir)
	}
	if err := c.prepareDir(dir); err != nil {
		return fmt.Errorf("start cluster: %w", err)
	}
	opts := "-c listen_addresses=127.0.0.1 -p " + strconv.Itoa(c.Port) +
		" -c unix_socket_directories=" + shellQuote(socketDir(dir, c.Port))
	if c.DisableFsync {
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	logPath := filepath.Join(dir, "postgres.log")
	// Remember where this attempt's output starts, so an error shows this attempt's log and not an older one.
	var logStart int64
	if fi, err := os.Stat(logPath); err == nil {
		logStart = fi.Size()
	}
	out, err := c.run(ctx, dir, "pg_ctl", "start", "-w", "-t", "60", "-D", dir, "-l", logPath, "-o", opts)
	if err != nil {
		return fmt.Errorf("pg_ctl start on port %d: %w\n%s\nserver log %s:\n%s",
			c.Port, err, strings.TrimSpace(string(out)), logPath, lastLines(readFrom(logPath, logStart), 20))
	}
	return nil
}

// Stop shuts the server down in fast mode (open sessions are disconnected, nothing is lost) and waits for it to
// exit. Stopping a cluster that is not running is not an error.
func (c *Cluster) Stop(ctx context.Context) error {
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return fmt.Errorf("stop cluster: %w", err)
	}
	running, err := c.Running(ctx)
	if err != nil {
		return fmt.Errorf("stop cluster: %w", err)
	}
	if !running {
		return nil
	}
	if out, err := c.run(ctx, dir, "pg_ctl", "stop", "-w", "-t", "60", "-m", "fast", "-D", dir); err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, lastLines(out, 20))
	}
	return nil
}

// Running reports whether a server is running on Dir (whatever its port), e.g. one left behind by a process
// that was killed before it could stop it.
func (c *Cluster) Running(ctx context.Context) (bool, error) {
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return false, fmt.Errorf("cluster status: %w", err)
	}
	// Without a pid file nothing runs; checking first also avoids pg_ctl on a directory that does not exist.
	if _, err := os.Stat(filepath.Join(dir, "postmaster.pid")); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	out, err := c.run(ctx, dir, "pg_ctl", "status", "-D", dir)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &exit) && (exit.ExitCode() == 3 || exit.ExitCode() == 4):
		// 3: not running (a stale pid file); 4: no accessible data directory.
		return false, nil
	default:
		return false, fmt.Errorf("pg_ctl status: %w\n%s", err, lastLines(out, 5))
	}
}
