package pgcluster

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBinDir makes a directory holding executable files with the given names.
func fakeBinDir(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFindPicksFirstCompleteDir(t *testing.T) {
	t.Parallel()
	partial := fakeBinDir(t, "initdb", "pg_ctl")
	complete := fakeBinDir(t, "initdb", "pg_ctl", "postgres")
	got, err := find([]candidate{{partial, "PATH"}, {"", "empty"}, {complete, "pg_config --bindir"}})
	if err != nil {
		t.Fatalf("find: %v", err)
	}
	if got != complete {
		t.Errorf("find = %q, want %q", got, complete)
	}
}

func TestFindReportsWhatIsMissingAndHowToInstall(t *testing.T) {
	t.Parallel()
	partial := fakeBinDir(t, "pg_ctl")
	notExecutable := fakeBinDir(t)
	if err := os.WriteFile(filepath.Join(notExecutable, "postgres"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := find([]candidate{{partial, "PATH (pg_ctl)"}, {notExecutable, debianGlob}})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	for _, want := range []string{
		partial + " (from PATH (pg_ctl)) lacks initdb, postgres",
		notExecutable + " (from " + debianGlob + ") lacks initdb, pg_ctl, postgres",
		"apt-get install postgresql",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}

	_, err = find(nil)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "none on PATH") {
		t.Errorf("find(nil) = %v", err)
	}
}

func TestMajorVersionSortsNewestFirst(t *testing.T) {
	t.Parallel()
	for dir, want := range map[string]float64{
		"/usr/lib/postgresql/15/bin":  15,
		"/usr/lib/postgresql/9.6/bin": 9.6,
		"/usr/lib/postgresql/x/bin":   0,
	} {
		if got := majorVersion(dir); got != want {
			t.Errorf("majorVersion(%q) = %v, want %v", dir, got, want)
		}
	}
}

func TestSocketDirFallsBackWhenPathTooLong(t *testing.T) {
	t.Parallel()
	if got := socketDir("/tmp/x", 5432); got != "/tmp/x" {
		t.Errorf("short path: %q", got)
	}
	long := "/" + strings.Repeat("d", 100)
	if got := socketDir(long, 5432); got != "" {
		t.Errorf("long path: %q, want empty (sockets off)", got)
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	if got, want := shellQuote("/a b/it's"), `'/a b/it'\''s'`; got != want {
		t.Errorf("shellQuote = %s, want %s", got, want)
	}
}

func TestDSN(t *testing.T) {
	t.Parallel()
	c := Cluster{Port: 54321}
	if got, want := c.DSN("prana"), "postgres://postgres@127.0.0.1:54321/prana?sslmode=disable"; got != want {
		t.Errorf("DSN = %s, want %s", got, want)
	}
}
