// Package config reads the auth service's settings from the environment
// (and a .env file), using the seed's variable names where it had them.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"prana/shared/awsconfig"
	"prana/shared/clientip"
	"prana/shared/envconfig"
	"prana/shared/hs256secret"
	"prana/shared/httpserver"
	"prana/shared/jwtverify"
)

// Config is every setting of the auth service.
type Config struct {
	Addr     string `env:"AUTH_ADDR" envDefault:":8001"`
	LogLevel string `env:"LOG_LEVEL" envDefault:"info"`
	DataDir  string `env:"DATA_DIR" envDefault:".data"`

	// MetricsAddr, when set, moves /metrics off Addr to a listener of its
	// own (e.g. 127.0.0.1:9101). Empty: /metrics is served on Addr.
	MetricsAddr string `env:"METRICS_ADDR"`

	// DATABASE_URL wins over the seed's POSTGRES_* variables.
	DatabaseURL      string `env:"DATABASE_URL"`
	PostgresUser     string `env:"POSTGRES_USER" envDefault:"postgres"`
	PostgresPassword string `env:"POSTGRES_PASSWORD"`
	PostgresDB       string `env:"POSTGRES_DB" envDefault:"postgres"`
	PostgresHost     string `env:"POSTGRES_HOST" envDefault:"localhost"`
	PostgresPort     int    `env:"POSTGRES_PORT" envDefault:"5432"`
	AutoMigrate      bool   `env:"AUTO_MIGRATE" envDefault:"true"`

	Algorithm          string   `env:"ALGORITHM" envDefault:"EdDSA"`
	SecretKey          string   `env:"SECRET_KEY"`
	AccessTokenMinutes int      `env:"ACCESS_TOKEN_EXPIRE_MINUTES" envDefault:"60"`
	PrivateKeyFile     string   `env:"JWT_PRIVATE_KEY_FILE"`
	PreviousKeyFiles   []string `env:"JWT_PREVIOUS_PUBLIC_KEY_FILES" envSeparator:","`
	Issuer             string   `env:"JWT_ISSUER"`
	Audience           string   `env:"JWT_AUDIENCE"`

	// Sessions: refresh token families, one per login.
	RefreshTokenTTL      time.Duration `env:"REFRESH_TOKEN_TTL" envDefault:"720h"`
	RefreshIdleTimeout   time.Duration `env:"REFRESH_IDLE_TIMEOUT" envDefault:"168h"`
	RefreshReuseInterval time.Duration `env:"REFRESH_REUSE_INTERVAL" envDefault:"10s"`

	// Erasure: a deleted user's files in S3 are erased by the pdf worker,
	// which the auth service tells through the worker's queue.
	AWSEndpointURL       string        `env:"AWS_ENDPOINT_URL"`
	AWSAccessKeyID       string        `env:"AWS_ACCESS_KEY_ID"`
	AWSSecretAccessKey   string        `env:"AWS_SECRET_ACCESS_KEY"`
	AWSRegion            string        `env:"AWS_DEFAULT_REGION" envDefault:"us-east-1"`
	QueueName            string        `env:"SQS_QUEUE_NAME" envDefault:"pdf-tasks"`
	ErasureRelayInterval time.Duration `env:"ERASURE_RELAY_INTERVAL" envDefault:"5s"`

	// The shared EdDSA keys (see README, "Running more than one of each").
	KeyRotation        time.Duration `env:"JWT_KEY_ROTATION" envDefault:"720h"` // 0: off
	JWKSMaxAge         time.Duration `env:"JWKS_MAX_AGE" envDefault:"5m"`
	KeyRefreshInterval time.Duration `env:"JWT_KEY_REFRESH_INTERVAL" envDefault:"30s"`
	KeyClockSkew       time.Duration `env:"JWT_KEY_CLOCK_SKEW" envDefault:"30s"`
	KeySealKey         string        `env:"JWT_KEY_SEAL_KEY"`
	KeySealKeyFile     string        `env:"JWT_KEY_SEAL_KEY_FILE"`

	Argon2MemoryKiB   uint32        `env:"ARGON2_MEMORY_KIB" envDefault:"19456"`
	Argon2Iterations  uint32        `env:"ARGON2_ITERATIONS" envDefault:"2"`
	Argon2Parallelism uint8         `env:"ARGON2_PARALLELISM" envDefault:"1"`
	HashConcurrency   int           `env:"HASH_CONCURRENCY"`           // default: number of CPUs
	HashQueue         int           `env:"HASH_QUEUE" envDefault:"64"` // per line: logins, signups
	HashMaxWait       time.Duration `env:"HASH_MAX_WAIT" envDefault:"5s"`
	// HashMemoryBudgetMiB bounds the memory of the hashes running at once;
	// 0: room for HASH_CONCURRENCY hashes at ARGON2_MEMORY_KIB.
	HashMemoryBudgetMiB int `env:"HASH_MEMORY_BUDGET_MIB"`

	// Login attempts per minute (0 = unlimited). The email-only limit is a
	// high backstop: see app.Limiters for why it must not be tight.
	LoginPerIPPerMinute      int `env:"LOGIN_RATE_PER_IP" envDefault:"30"`
	LoginPerIPEmailPerMinute int `env:"LOGIN_RATE_PER_IP_EMAIL" envDefault:"10"`
	LoginPerEmailPerMinute   int `env:"LOGIN_RATE_PER_EMAIL" envDefault:"300"`
	// Signup attempts per minute (0 = unlimited): per client (IPv4 address
	// or IPv6 /64), per range (IPv4 /24 or IPv6 /48) and per email. Each
	// signup costs a hash, and its 409 tells whether an email is
	// registered: these bound both.
	SignupPerIPPerMinute    int `env:"SIGNUP_RATE_PER_IP" envDefault:"10"`
	SignupPerRangePerMinute int `env:"SIGNUP_RATE_PER_RANGE" envDefault:"60"`
	SignupPerEmailPerMinute int `env:"SIGNUP_RATE_PER_EMAIL" envDefault:"5"`
	// Proxies (CIDRs) whose forwarding header names the client; empty:
	// the peer address is the client's.
	TrustedProxies     []string `env:"TRUSTED_PROXIES" envSeparator:","`
	TrustedProxyHeader string   `env:"TRUSTED_PROXY_HEADER" envDefault:"X-Forwarded-For"`
	// How long a limit check may wait for the database before the attempt
	// is answered 503 (a full connection pool must not hang logins).
	RateLimitMaxWait time.Duration `env:"RATE_LIMIT_MAX_WAIT" envDefault:"1s"`

	HTTP httpserver.Timeouts
}

// Load reads the environment and checks the result. Errors name the
// setting at fault.
func Load() (Config, error) {
	c, err := envconfig.Parse[Config]()
	if err != nil {
		return Config{}, err
	}
	c.Algorithm = strings.TrimSpace(c.Algorithm)
	c.Issuer, c.Audience = jwtverify.IssuerAudience(c.Algorithm, c.Issuer, c.Audience)
	return c, c.Validate()
}

// Validate checks settings that parse but make no sense.
func (c Config) Validate() error {
	var errs []error
	switch c.Algorithm {
	case "EdDSA":
	case "HS256":
		if err := hs256secret.Check("SECRET_KEY", []byte(c.SecretKey)); err != nil {
			errs = append(errs, err)
		}
	default:
		errs = append(errs, fmt.Errorf("ALGORITHM: %q is not supported (use EdDSA or HS256)", c.Algorithm))
	}
	if c.AccessTokenMinutes < 1 || c.AccessTokenMinutes > 24*60 {
		errs = append(errs, errors.New("ACCESS_TOKEN_EXPIRE_MINUTES: must be between 1 and 1440"))
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			errs = append(errs, errors.New("DATABASE_URL: must be a postgres:// URL"))
		}
	}
	if c.Argon2MemoryKiB < 8*1024 || c.Argon2MemoryKiB > 1<<20 {
		errs = append(errs, errors.New("ARGON2_MEMORY_KIB: must be between 8192 and 1048576"))
	}
	if c.Argon2Iterations < 1 || c.Argon2Parallelism < 1 {
		errs = append(errs, errors.New("ARGON2_ITERATIONS and ARGON2_PARALLELISM: must be at least 1"))
	}
	if c.LoginPerIPPerMinute < 0 || c.LoginPerIPEmailPerMinute < 0 || c.LoginPerEmailPerMinute < 0 {
		errs = append(errs, errors.New("LOGIN_RATE_*: must not be negative (0 = unlimited)"))
	}
	if c.SignupPerIPPerMinute < 0 || c.SignupPerRangePerMinute < 0 || c.SignupPerEmailPerMinute < 0 {
		errs = append(errs, errors.New("SIGNUP_RATE_*: must not be negative (0 = unlimited)"))
	}
	if _, err := c.ClientIP(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.validateKeys()...)
	if c.QueueName == "" || c.ErasureRelayInterval <= 0 {
		errs = append(errs, errors.New("SQS_QUEUE_NAME: must not be empty; ERASURE_RELAY_INTERVAL: must be positive"))
	}
	if c.AWSEndpointURL != "" {
		if u, err := url.Parse(c.AWSEndpointURL); err != nil || u.Host == "" {
			errs = append(errs, errors.New("AWS_ENDPOINT_URL: must be an absolute URL such as http://localhost:4566"))
		}
	}
	if c.RefreshTokenTTL <= 0 || c.RefreshIdleTimeout <= 0 || c.RefreshReuseInterval < 0 {
		errs = append(errs, errors.New("REFRESH_TOKEN_TTL and REFRESH_IDLE_TIMEOUT: must be positive; REFRESH_REUSE_INTERVAL: must not be negative"))
	}
	if c.RateLimitMaxWait <= 0 {
		errs = append(errs, errors.New("RATE_LIMIT_MAX_WAIT: must be positive"))
	}
	if err := c.HTTP.Validate(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.validateHashing()...)
	return errors.Join(errs...)
}

func (c Config) validateHashing() []error {
	var errs []error
	if c.HashConcurrency < 0 || c.HashQueue < 0 {
		errs = append(errs, errors.New("HASH_CONCURRENCY and HASH_QUEUE: must not be negative"))
	}
	// A budget below one hash would run every hash alone: surely a typo
	// (MiB, not KiB), so it is refused rather than obeyed.
	if oneHash := int((c.Argon2MemoryKiB + 1023) / 1024); c.HashMemoryBudgetMiB < 0 ||
		(c.HashMemoryBudgetMiB > 0 && c.HashMemoryBudgetMiB < oneHash) {
		errs = append(errs, fmt.Errorf("HASH_MEMORY_BUDGET_MIB: must be 0 (default) or at least one hash's ARGON2_MEMORY_KIB (%d MiB)", oneHash))
	}
	return errs
}

// HashSlots is how many hashes may run at once: HASH_CONCURRENCY, or the
// number of CPUs.
func (c Config) HashSlots() int {
	if c.HashConcurrency == 0 {
		return runtime.NumCPU()
	}
	return c.HashConcurrency
}

// HashMemoryBudget is how many bytes the hashes running at once may hold:
// HASH_MEMORY_BUDGET_MIB, or room for HashSlots hashes at the configured
// cost.
func (c Config) HashMemoryBudget() int64 {
	if c.HashMemoryBudgetMiB > 0 {
		return int64(c.HashMemoryBudgetMiB) << 20
	}
	return int64(c.HashSlots()) * int64(c.Argon2MemoryKiB) << 10
}

func (c Config) validateKeys() []error {
	var errs []error
	if c.JWKSMaxAge < 0 || c.KeyRefreshInterval <= 0 || c.KeyClockSkew < 0 {
		errs = append(errs, errors.New("JWKS_MAX_AGE, JWT_KEY_REFRESH_INTERVAL and JWT_KEY_CLOCK_SKEW: must not be negative (the interval must be positive)"))
	}
	if c.KeyRotation < 0 || (c.KeyRotation > 0 && c.KeyRotation <= c.KeyPublishLead()) {
		errs = append(errs, fmt.Errorf("JWT_KEY_ROTATION: must be 0 (off) or longer than JWKS_MAX_AGE + JWT_KEY_REFRESH_INTERVAL + JWT_KEY_CLOCK_SKEW (%s)", c.KeyPublishLead()))
	}
	if c.KeySealKey != "" && c.KeySealKeyFile != "" {
		errs = append(errs, errors.New("JWT_KEY_SEAL_KEY and JWT_KEY_SEAL_KEY_FILE: set one, not both"))
	}
	return errs
}

// KeyPublishLead is how long a new key is published before it signs: long
// enough for every replica to load it and every verifier's cached JWKS to
// expire, allowing for clock skew.
func (c Config) KeyPublishLead() time.Duration {
	return c.JWKSMaxAge + c.KeyRefreshInterval + c.KeyClockSkew
}

// KeyRetention is how long a key stays published after it stops signing:
// until the last token it signed has expired, allowing for the verifiers'
// leeway and clock skew.
func (c Config) KeyRetention() time.Duration {
	return c.TokenTTL() + jwtverify.DefaultLeeway + c.KeyClockSkew
}

// ClientIP is how requests' client addresses are found.
func (c Config) ClientIP() (clientip.Resolver, error) {
	trusted, err := clientip.ParsePrefixes(c.TrustedProxies)
	if err != nil {
		return clientip.Resolver{}, fmt.Errorf("TRUSTED_PROXIES: %w", err)
	}
	header, err := clientip.ParseHeader(c.TrustedProxyHeader)
	if err != nil {
		return clientip.Resolver{}, fmt.Errorf("TRUSTED_PROXY_HEADER: %w", err)
	}
	return clientip.Resolver{Trusted: trusted, Header: header}, nil
}

// AWS is the settings the SQS client is built from.
func (c Config) AWS() awsconfig.Settings {
	return awsconfig.Settings{
		EndpointURL: c.AWSEndpointURL, AccessKeyID: c.AWSAccessKeyID,
		SecretAccessKey: c.AWSSecretAccessKey, Region: c.AWSRegion,
	}
}

// PostgresURL is DATABASE_URL, or one built from the POSTGRES_* settings.
func (c Config) PostgresURL() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	u := url.URL{
		Scheme: "postgres",
		User:   url.UserPassword(c.PostgresUser, c.PostgresPassword),
		Host:   fmt.Sprintf("%s:%d", c.PostgresHost, c.PostgresPort),
		Path:   "/" + c.PostgresDB,
	}
	if c.PostgresPassword == "" {
		u.User = url.User(c.PostgresUser)
	}
	return u.String()
}

// TokenTTL is how long access tokens live.
func (c Config) TokenTTL() time.Duration {
	return time.Duration(c.AccessTokenMinutes) * time.Minute
}
