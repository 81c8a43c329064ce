package config

import (
	"strings"
	"testing"
	"time"
)

func TestDatabaseURLWinsOverSeedVariables(t *testing.T) {
	t.Setenv("POSTGRES_USER", "example_user")
	t.Setenv("POSTGRES_PASSWORD", "p@ss word")
	t.Setenv("POSTGRES_DB", "example_db")
	t.Setenv("POSTGRES_HOST", "db")
	t.Setenv("POSTGRES_PORT", "5433")
	t.Setenv("DATABASE_URL", "")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.PostgresURL(), "postgres://example_user:p%40ss%20word@db:5433/example_db"; got != want {
		t.Fatalf("PostgresURL %q, want %q", got, want)
	}
	t.Setenv("DATABASE_URL", "postgres://u@h:1/d")
	c, _ = Load()
	if c.PostgresURL() != "postgres://u@h:1/d" {
		t.Fatalf("DATABASE_URL did not win: %q", c.PostgresURL())
	}
}

func TestBadSettingsAreNamed(t *testing.T) {
	cases := map[string]map[string]string{
		"ALGORITHM":                   {"ALGORITHM": "none"},
		"SECRET_KEY":                  {"ALGORITHM": "HS256", "SECRET_KEY": ""},
		"ACCESS_TOKEN_EXPIRE_MINUTES": {"ACCESS_TOKEN_EXPIRE_MINUTES": "0"},
		"DATABASE_URL":                {"DATABASE_URL": "mysql://x"},
		"ARGON2_MEMORY_KIB":           {"ARGON2_MEMORY_KIB": "1024"},
		"POSTGRES_PORT":               {"POSTGRES_PORT": "five"},
		"AUTO_MIGRATE":                {"AUTO_MIGRATE": "perhaps"},
		"LOGIN_RATE_":                 {"LOGIN_RATE_PER_IP_EMAIL": "-1"},
		"SIGNUP_RATE_":                {"SIGNUP_RATE_PER_RANGE": "-1"},
		"TRUSTED_PROXIES":             {"TRUSTED_PROXIES": "10.0.0.0/8,alb"},
		"TRUSTED_PROXY_HEADER":        {"TRUSTED_PROXY_HEADER": "X-Real-IP"},
		"HTTP_READ_HEADER_TIMEOUT":    {"HTTP_READ_HEADER_TIMEOUT": "10s", "HTTP_READ_TIMEOUT": "2s"},
		"HASH_MEMORY_BUDGET_MIB":      {"HASH_MEMORY_BUDGET_MIB": "-1"},
	}
	for name, env := range cases {
		t.Run(name, func(t *testing.T) {
			for k, v := range env {
				t.Setenv(k, v)
			}
			_, err := Load()
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("error %v does not name %s", err, name)
			}
		})
	}
}

func TestTokenDefaults(t *testing.T) {
	t.Setenv("ALGORITHM", "")
	t.Setenv("JWT_ISSUER", "")
	t.Setenv("JWT_AUDIENCE", "")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Algorithm != "EdDSA" || c.Issuer != "prana-auth" || c.Audience != "prana" || c.TokenTTL().Minutes() != 60 {
		t.Fatalf("defaults %+v", c)
	}
}

func TestLimitAndTimeoutDefaults(t *testing.T) {
	for _, k := range []string{"LOGIN_RATE_PER_IP", "LOGIN_RATE_PER_IP_EMAIL", "LOGIN_RATE_PER_EMAIL", "HTTP_READ_HEADER_TIMEOUT", "HTTP_READ_TIMEOUT"} {
		t.Setenv(k, "")
	}
	t.Setenv("HTTP_READ_TIMEOUT", "7s")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.LoginPerIPPerMinute != 30 || c.LoginPerIPEmailPerMinute != 10 || c.LoginPerEmailPerMinute != 300 {
		t.Errorf("login limits %d/%d/%d, want 30/10/300", c.LoginPerIPPerMinute, c.LoginPerIPEmailPerMinute, c.LoginPerEmailPerMinute)
	}
	if c.HTTP.ReadHeader != 5*time.Second || c.HTTP.Read != 7*time.Second {
		t.Errorf("HTTP timeouts %+v, want the 5s default header timeout and the 7s read timeout set", c.HTTP)
	}
}

// TestHS256RefusesWeakSecrets: issue 15, finding 5. The example secret of
// .env.example and the seed's README forged tokens that opened any user's
// PDF; 16 bytes was the only rule.
func TestHS256RefusesWeakSecrets(t *testing.T) {
	for _, secret := range []string{"example_secret_key_hex_string", "sixteen-bytes-ok", strings.Repeat("s", 31)} {
		t.Setenv("ALGORITHM", "HS256")
		t.Setenv("SECRET_KEY", secret)
		_, err := Load()
		if err == nil {
			t.Errorf("SECRET_KEY %q accepted", secret)
			continue
		}
		for _, want := range []string{"SECRET_KEY", "openssl rand -base64 48"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("SECRET_KEY %q: error %q does not say %q", secret, err, want)
			}
		}
	}
	t.Setenv("SECRET_KEY", strings.Repeat("s", 32))
	if _, err := Load(); err != nil {
		t.Errorf("a 32-byte secret refused: %v", err)
	}
}

// TestHashMemoryBudget: by default the budget holds HASH_CONCURRENCY hashes
// at the configured cost; a budget set in MiB wins; one that cannot hold a
// single hash (KiB written for MiB, say) is refused.
func TestHashMemoryBudget(t *testing.T) {
	t.Setenv("ARGON2_MEMORY_KIB", "102400")
	t.Setenv("HASH_CONCURRENCY", "3")
	t.Setenv("HASH_MEMORY_BUDGET_MIB", "")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.HashMemoryBudget(); got != 300<<20 {
		t.Errorf("default budget %d bytes, want 3 × 100 MiB", got)
	}
	t.Setenv("HASH_MEMORY_BUDGET_MIB", "250")
	if c, err = Load(); err != nil || c.HashMemoryBudget() != 250<<20 {
		t.Errorf("HASH_MEMORY_BUDGET_MIB=250: budget %d, err %v", c.HashMemoryBudget(), err)
	}
	t.Setenv("HASH_MEMORY_BUDGET_MIB", "99")
	if _, err := Load(); err == nil || !strings.Contains(err.Error(), "HASH_MEMORY_BUDGET_MIB") {
		t.Errorf("a budget below one 100 MiB hash: error %v", err)
	}
}
