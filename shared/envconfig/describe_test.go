package envconfig

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

type nested struct {
	Timeout time.Duration `env:"NESTED_TIMEOUT"`
}

type described struct {
	DatabaseURL string   `env:"DATABASE_URL"`
	SecretKey   string   `env:"SECRET_KEY"`
	SealKey     string   `env:"JWT_KEY_SEAL_KEY"`
	SealFile    string   `env:"JWT_KEY_SEAL_KEY_FILE"`
	DBPassword  string   `env:"POSTGRES_PASSWORD"`
	AWSSecret   string   `env:"AWS_SECRET_ACCESS_KEY"`
	Files       []string `env:"SOME_FILES" envSeparator:","`
	Port        int      `env:"SOME_PORT"`
	HTTP        nested
	hidden      string
}

func TestDescribeMasksSecrets(t *testing.T) {
	cfg := described{
		DatabaseURL: "postgres://prana:hunter2@db:5432/prana", SecretKey: "s3cr3t-value", SealKey: "seal-value",
		SealFile: "/run/secrets/seal", AWSSecret: "aws-secret-value", Files: []string{"a.pem", "b.pem"}, Port: 8001,
		HTTP: nested{Timeout: 5 * time.Second}, hidden: "x",
	}
	line := fmt.Sprint(Describe(cfg))
	for _, secret := range []string{"hunter2", "s3cr3t-value", "seal-value", "aws-secret-value"} {
		if strings.Contains(line, secret) {
			t.Errorf("a secret is shown: %s", line)
		}
	}
	for _, want := range []string{"DATABASE_URL postgres://prana:xxxxx@db:5432/prana", "SECRET_KEY set", "POSTGRES_PASSWORD unset",
		"JWT_KEY_SEAL_KEY_FILE /run/secrets/seal", "SOME_FILES a.pem b.pem", "SOME_PORT 8001", "NESTED_TIMEOUT 5s"} {
		if !strings.Contains(line, want) {
			t.Errorf("description lacks %q: %s", want, line)
		}
	}
	if strings.Contains(line, "hidden") {
		t.Errorf("an unexported field is described: %s", line)
	}
}
