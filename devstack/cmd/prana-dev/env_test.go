package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestWithDefaultsFillsOnlyWhatIsUnsetOrEmpty(t *testing.T) {
	t.Parallel()
	environ := []string{
		"PATH=/bin",
		"DATABASE_URL=postgres://mine",
		"AWS_ENDPOINT_URL=",
		"AWS_DEFAULT_REGION=eu-west-1",
		"EXTRA=a=b",
	}
	got := withDefaults(environ, serviceDefaults("postgres://local"))
	want := []string{
		"PATH=/bin",
		"DATABASE_URL=postgres://mine",
		"AWS_DEFAULT_REGION=eu-west-1",
		"EXTRA=a=b",
		"DATA_DIR=.data",
		"AWS_ENDPOINT_URL=http://localhost:4566",
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AUTH_JWKS_URL=http://localhost:8001/.well-known/jwks.json",
		"SQS_WAIT_TIME=5s",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := withDefaults(nil, serviceDefaults("postgres://local")); !slices.Contains(got, "DATABASE_URL=postgres://local") {
		t.Errorf("empty environment: %q", got)
	}
}

func TestUsesOwnEmulator(t *testing.T) {
	t.Parallel()
	for endpoint, want := range map[string]bool{
		"":                             true,
		"http://localhost:4566":        true,
		"http://127.0.0.1:4566/":       true,
		"http://localhost:4567":        false,
		"https://localhost:4566":       false,
		"http://localstack:4566":       false,
		"https://s3.us-east-1.aws.com": false,
	} {
		if got := usesOwnEmulator(endpoint); got != want {
			t.Errorf("usesOwnEmulator(%q) = %v, want %v", endpoint, got, want)
		}
	}
}

// TestLoadDotEnvKeepsTheEnvironment checks that a variable already set beats .env, and that .env fills the rest.
// Not parallel: it changes the process environment.
func TestLoadDotEnvKeepsTheEnvironment(t *testing.T) {
	root := t.TempDir()
	if loaded, err := loadDotEnv(root); loaded || err != nil {
		t.Fatalf("no .env: loaded=%v err=%v", loaded, err)
	}
	env := "PRANA_DEV_TEST_SET=from-file\nPRANA_DEV_TEST_UNSET=from-file\n"
	if err := os.WriteFile(filepath.Join(root, ".env"), []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PRANA_DEV_TEST_SET", "from-env")
	t.Setenv("PRANA_DEV_TEST_UNSET", "")
	os.Unsetenv("PRANA_DEV_TEST_UNSET") // t.Setenv restores it (unset) afterwards
	if loaded, err := loadDotEnv(root); !loaded || err != nil {
		t.Fatalf("loaded=%v err=%v", loaded, err)
	}
	if got := os.Getenv("PRANA_DEV_TEST_SET"); got != "from-env" {
		t.Errorf("set variable = %q, want from-env", got)
	}
	if got := os.Getenv("PRANA_DEV_TEST_UNSET"); got != "from-file" {
		t.Errorf("unset variable = %q, want from-file", got)
	}
}
