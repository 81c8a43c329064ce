package envfile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"prana/shared/envfile"
)

// Not parallel: the tests change the process environment.

func write(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMissingFile(t *testing.T) {
	if err := envfile.Load(filepath.Join(t.TempDir(), "absent.env")); err != nil {
		t.Errorf("Load(missing) = %v, want nil", err)
	}
}

func TestLoad(t *testing.T) {
	t.Setenv("PRANA_ENVFILE_SET", "from-env")
	t.Setenv("PRANA_ENVFILE_EMPTY", "")
	// t.Setenv restores the variable afterwards; unset it for the test.
	t.Setenv("PRANA_ENVFILE_NEW", "")
	if err := os.Unsetenv("PRANA_ENVFILE_NEW"); err != nil {
		t.Fatal(err)
	}
	path := write(t, "# comment\nPRANA_ENVFILE_SET=from-file\nPRANA_ENVFILE_EMPTY=from-file\nexport PRANA_ENVFILE_NEW=\"new value\"\n")

	if err := envfile.Load(path); err != nil {
		t.Fatalf("Load = %v", err)
	}
	for k, want := range map[string]string{
		"PRANA_ENVFILE_SET":   "from-env", // already set wins
		"PRANA_ENVFILE_EMPTY": "",         // set, even to empty, wins
		"PRANA_ENVFILE_NEW":   "new value",
	} {
		if got, ok := os.LookupEnv(k); !ok || got != want {
			t.Errorf("%s = %q (set %v), want %q", k, got, ok, want)
		}
	}
}

func TestMalformedFile(t *testing.T) {
	path := write(t, "PRANA_ENVFILE_GOOD=1\nTHIS LINE IS NOT AN ASSIGNMENT\n")
	err := envfile.Load(path)
	if err == nil {
		t.Fatal("Load(malformed) = nil, want an error")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
}

func TestUnreadable(t *testing.T) {
	// A directory exists but cannot be read as a file: unlike a missing
	// file, that is an error.
	dir := t.TempDir()
	err := envfile.Load(dir)
	if err == nil {
		t.Fatal("Load(directory) = nil, want an error")
	}
	if !strings.Contains(err.Error(), dir) {
		t.Errorf("error %q does not name %s", err, dir)
	}
}
