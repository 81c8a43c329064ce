package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"prana/testkit/pgcluster"

	"prana/devstack/stack"
)

// databaseName is the database the services use in the local cluster.
const databaseName = "prana"

// startPostgres returns the DATABASE_URL for the services and a function that undoes what it started. With
// DATABASE_URL set it uses that and starts nothing. Otherwise it runs a cluster of its own in root/.data/postgres:
// created on the first run and kept (data included) across runs, with its server log shown under "postgres".
func startPostgres(ctx context.Context, root string, con *stack.Console, log *slog.Logger) (dsn string, stop func(), err error) {
	if dsn := os.Getenv("DATABASE_URL"); dsn != "" {
		log.Info("using DATABASE_URL from the environment", "url", redact(dsn))
		return dsn, func() {}, nil
	}
	bin, err := findOrInstallPostgres(ctx, con, log)
	if err != nil {
		return "", nil, err
	}
	c := &pgcluster.Cluster{Dir: filepath.Join(root, ".data", "postgres"), BinDir: bin, Logger: log}
	if _, err := os.Stat(filepath.Join(c.Dir, "PG_VERSION")); err != nil {
		log.Info("creating the PostgreSQL cluster (first run)", "dir", c.Dir)
	}
	if err := c.Init(ctx); err != nil {
		return "", nil, fmt.Errorf("postgres: %w", err)
	}
	// A server left running by a run that was killed (kill -9, a closed terminal) would block the start.
	if running, err := c.Running(ctx); err != nil {
		return "", nil, fmt.Errorf("postgres: %w", err)
	} else if running {
		log.Info("stopping the PostgreSQL server a previous run left running")
		if err := c.Stop(ctx); err != nil {
			return "", nil, fmt.Errorf("postgres: %w", err)
		}
	}

	portFile := filepath.Join(root, ".data", "postgres.port")
	serverLog := followFile(c.LogPath(), con.Prefixed("postgres"))
	for attempt := 1; ; attempt++ {
		if c.Port, err = choosePort(portFile); err != nil {
			serverLog.stop()
			return "", nil, fmt.Errorf("postgres: %w", err)
		}
		err = c.Start(ctx)
		if err == nil || attempt == 2 || !strings.Contains(err.Error(), "already in use") {
			break
		}
		_ = os.Remove(portFile) // taken since we looked: pick another
	}
	if err != nil {
		serverLog.stop()
		return "", nil, fmt.Errorf("postgres: %w", err)
	}
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.Stop(ctx); err != nil {
			log.Error("stopping PostgreSQL", "err", err)
		} else {
			log.Info("PostgreSQL stopped")
		}
		serverLog.stop()
	}
	if err := c.CreateDatabase(ctx, databaseName); err != nil {
		stop()
		return "", nil, fmt.Errorf("postgres: %w", err)
	}
	log.Info("PostgreSQL ready", "url", c.DSN(databaseName))
	return c.DSN(databaseName), stop, nil
}

// findOrInstallPostgres finds the server binaries. When they are missing and this is a Debian-like system on
// which we are root, it installs them (apt-get install postgresql) rather than stopping with instructions.
func findOrInstallPostgres(ctx context.Context, con *stack.Console, log *slog.Logger) (string, error) {
	bin, err := pgcluster.Find()
	if err == nil || !errors.Is(err, pgcluster.ErrNotFound) || os.Geteuid() != 0 {
		return bin, err
	}
	if _, lookErr := exec.LookPath("apt-get"); lookErr != nil {
		return "", err
	}
	log.Warn("PostgreSQL server binaries not found; installing them: apt-get update && apt-get install -y postgresql")
	out := con.Prefixed("apt")
	defer out.Flush()
	for _, args := range [][]string{{"update"}, {"install", "-y", "postgresql"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("apt-get %s: %w", strings.Join(args, " "), err)
		}
	}
	return pgcluster.Find()
}

// choosePort returns the port saved in portFile when it is free, so DATABASE_URL stays the same from run to run
// (handy for psql and IDE connections), or else a new free port, which it saves.
func choosePort(portFile string) (int, error) {
	if b, err := os.ReadFile(portFile); err == nil {
		if port, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && portFree(port) {
			return port, nil
		}
	}
	port, err := pgcluster.FreePort()
	if err != nil {
		return 0, err
	}
	if err := os.WriteFile(portFile, []byte(strconv.Itoa(port)+"\n"), 0o644); err != nil {
		return 0, fmt.Errorf("save port: %w", err)
	}
	return port, nil
}

// portFree reports whether 127.0.0.1:port can be bound now.
func portFree(port int) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}
