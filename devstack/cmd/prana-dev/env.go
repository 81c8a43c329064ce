package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/joho/godotenv"
)

// setting is one environment variable.
type setting struct {
	key, value string
}

// emulatorEndpoint is where prana-dev's own S3+SQS emulator answers: LocalStack's port, so that .env files and
// docs written for LocalStack work unchanged.
const emulatorEndpoint = "http://localhost:4566"

// serviceDefaults is the environment the services get for whatever the developer has not set: everything needed
// to run against the local database and emulator.
func serviceDefaults(databaseURL string) []setting {
	return []setting{
		{"DATABASE_URL", databaseURL},
		{"DATA_DIR", ".data"},
		{"AWS_ENDPOINT_URL", emulatorEndpoint},
		{"AWS_ACCESS_KEY_ID", "test"},
		{"AWS_SECRET_ACCESS_KEY", "test"},
		{"AWS_DEFAULT_REGION", "us-east-1"},
		{"AUTH_JWKS_URL", "http://localhost:8001/.well-known/jwks.json"},
		// The worker waits out its open long poll on Ctrl-C (so it drops no
		// message SQS has handed it): a short poll keeps that within stopTimeout.
		{"SQS_WAIT_TIME", "5s"},
	}
}

// withDefaults returns environ plus each default whose variable environ leaves unset or empty. An empty value
// counts as unset because `KEY=` in a .env file usually means "not configured", and an empty DATABASE_URL or
// AWS_ENDPOINT_URL would only make the services fail.
func withDefaults(environ []string, defaults []setting) []string {
	wanted := map[string]string{}
	for _, d := range defaults {
		wanted[d.key] = d.value
	}
	out := make([]string, 0, len(environ)+len(defaults))
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if _, ok := wanted[k]; ok {
			if v == "" {
				continue // replaced by the default below
			}
			delete(wanted, k)
		}
		out = append(out, kv)
	}
	for _, d := range defaults {
		if _, ok := wanted[d.key]; ok {
			out = append(out, d.key+"="+d.value)
		}
	}
	return out
}

// loadDotEnv loads root/.env, if present, into this process's environment. Variables already set win:
// godotenv.Load never overrides, so `DATABASE_URL=… make run` beats the file.
func loadDotEnv(root string) (loaded bool, err error) {
	path := filepath.Join(root, ".env")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err := godotenv.Load(path); err != nil {
		return false, fmt.Errorf("load %s: %w", path, err)
	}
	return true, nil
}

// usesOwnEmulator reports whether the AWS endpoint is prana-dev's to provide: AWS_ENDPOINT_URL unset, or set to
// the emulator's own address. Anything else (LocalStack elsewhere, real AWS) is used as it is.
func usesOwnEmulator(endpoint string) bool {
	if endpoint == "" {
		return true
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" || strings.Trim(u.Path, "/") != "" {
		return false
	}
	return u.Host == "localhost:4566" || u.Host == "127.0.0.1:4566"
}

// redact hides the password of a connection URL for logging.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
