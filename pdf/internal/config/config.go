// Package config reads the pdf service's and worker's settings from the
// environment (and a .env file), using the seed's variable names.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"prana/shared/awsconfig"
	"prana/shared/hs256secret"
	"prana/shared/httpserver"
	"prana/shared/jwtverify"

	"prana/shared/envconfig"
)

// MaxPresignTTL bounds S3_PRESIGN_TTL: a SigV4 presigned URL lives at most
// seven days. The s3store adapter states the same limit
// (s3store.MaxPresignTTL); a test beside the binaries keeps the two equal,
// since config may not import an adapter.
const MaxPresignTTL = 7 * 24 * time.Hour

// Config is every setting of the pdf service and its worker.
type Config struct {
	Addr     string `env:"PDF_ADDR" envDefault:":8002"`
	LogLevel string `env:"LOG_LEVEL" envDefault:"info"`

	// MetricsAddr, when set, moves /metrics off Addr to a listener of its
	// own (e.g. 127.0.0.1:9102), and gives the worker one. Empty: the pdf
	// service serves /metrics on Addr, the worker serves none.
	MetricsAddr string `env:"METRICS_ADDR"`

	Algorithm   string `env:"ALGORITHM" envDefault:"EdDSA"`
	SecretKey   string `env:"SECRET_KEY"`
	AuthJWKSURL string `env:"AUTH_JWKS_URL" envDefault:"http://localhost:8001/.well-known/jwks.json"`
	// AuthJWKSRefetchInterval is the least time between two JWKS fetches:
	// a token with an unknown kid triggers at most one fetch per interval,
	// and a fetched JWKS is used at least this long whatever its max-age.
	// Keep it at or below the auth service's JWKS max-age, or a key it
	// publishes shortly before signing with it may be missed.
	AuthJWKSRefetchInterval time.Duration `env:"AUTH_JWKS_REFETCH_INTERVAL" envDefault:"30s"`
	Issuer                  string        `env:"JWT_ISSUER"`
	Audience                string        `env:"JWT_AUDIENCE"`

	AWSEndpointURL     string `env:"AWS_ENDPOINT_URL"`
	AWSAccessKeyID     string `env:"AWS_ACCESS_KEY_ID"`
	AWSSecretAccessKey string `env:"AWS_SECRET_ACCESS_KEY"`
	AWSRegion          string `env:"AWS_DEFAULT_REGION" envDefault:"us-east-1"`
	QueueName          string `env:"SQS_QUEUE_NAME" envDefault:"pdf-tasks"`
	BucketName         string `env:"S3_BUCKET_NAME" envDefault:"user-pdfs"`
	PublicURL          string `env:"S3_PUBLIC_URL"`
	// PresignTTL > 0: job status hands out presigned GET URLs valid this
	// long, for a private bucket. 0 (default): the public object URL.
	PresignTTL time.Duration `env:"S3_PRESIGN_TTL"`
	// AWSAutoCreate: create the queue, its DLQ and the bucket at start
	// when absent, and set the queue's attributes. Off in production when
	// infrastructure code owns them: the service then only looks them up.
	AWSAutoCreate bool `env:"AWS_AUTO_CREATE" envDefault:"true"`

	// FontDirs are searched, in order, for the fallback fonts of
	// pdf/fonts.txt (by file name): Debian's package folders, then the
	// folder the container image copies them to.
	FontDirs []string `env:"PDF_FONT_DIRS" envSeparator:":" envDefault:"/usr/share/fonts/truetype/noto:/usr/share/fonts/truetype/droid:/usr/share/fonts/truetype/nanum:/usr/share/fonts/truetype/dejavu:/usr/share/fonts/prana"`

	// PDFCacheBytes bounds the memory of rendered PDFs kept for repeated
	// downloads (about 12–21 KB each; 0 turns the cache off).
	PDFCacheBytes int64 `env:"PDF_CACHE_BYTES" envDefault:"67108864"`

	// Renders are queued: PDFRenderConcurrency at once (default one per
	// core), at most PDFRenderQueue waiting, each for at most
	// PDFRenderMaxWait; beyond that a download answers 503 with
	// Retry-After.
	PDFRenderConcurrency int           `env:"PDF_RENDER_CONCURRENCY"`
	PDFRenderQueue       int           `env:"PDF_RENDER_QUEUE" envDefault:"256"`
	PDFRenderMaxWait     time.Duration `env:"PDF_RENDER_MAX_WAIT" envDefault:"2s"`

	// UploadRatePerUser is how many upload requests each user may make a
	// minute, across all replicas (counted in the bucket); 0: no limit.
	UploadRatePerUser int `env:"UPLOAD_RATE_PER_USER" envDefault:"6"`

	WorkerConcurrency  int           `env:"WORKER_CONCURRENCY"` // default 4 × CPUs
	WorkerDrainTimeout time.Duration `env:"WORKER_DRAIN_TIMEOUT" envDefault:"30s"`
	VisibilityTimeout  time.Duration `env:"SQS_VISIBILITY_TIMEOUT" envDefault:"60s"`
	MaxReceiveCount    int           `env:"SQS_MAX_RECEIVE_COUNT" envDefault:"5"`
	// SQSWaitTime is the worker's long poll (1–20 s); shorter for tests,
	// with emulators that requeue an expired message only on a new receive.
	SQSWaitTime time.Duration `env:"SQS_WAIT_TIME" envDefault:"20s"`
	// WorkerHealthAddr is where the worker answers /healthz and /readyz,
	// for `pdf-worker healthcheck` in its image. Empty (the default
	// outside the image): no listener.
	WorkerHealthAddr string `env:"WORKER_HEALTH_ADDR"`

	HTTP httpserver.Timeouts
}

// DefaultFontDirs is PDF_FONT_DIRS's default (the struct tag says it again,
// checked by a test): where Debian's fonts-noto-core, fonts-droid-fallback,
// fonts-nanum and fonts-dejavu-core put their files, and
// /usr/share/fonts/prana, where the pdf image keeps the ones it copies.
var DefaultFontDirs = []string{
	"/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/droid",
	"/usr/share/fonts/truetype/nanum", "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/prana",
}

// Load reads the environment and checks the result. Errors name the
// setting at fault.
func Load() (Config, error) {
	c, err := envconfig.Parse[Config]()
	if err != nil {
		return Config{}, err
	}
	c.Issuer, c.Audience = jwtverify.IssuerAudience(c.Algorithm, c.Issuer, c.Audience)
	return c, c.Validate()
}

// Validate checks settings that parse but make no sense.
func (c Config) Validate() error {
	var errs []error
	switch c.Algorithm {
	case "EdDSA":
		if u, err := url.Parse(c.AuthJWKSURL); err != nil || u.Host == "" {
			errs = append(errs, errors.New("AUTH_JWKS_URL: must be an absolute http(s) URL"))
		}
	case "HS256":
		if err := hs256secret.Check("SECRET_KEY", []byte(c.SecretKey)); err != nil {
			errs = append(errs, err)
		}
	default:
		errs = append(errs, fmt.Errorf("ALGORITHM: %q is not supported (use EdDSA or HS256)", c.Algorithm))
	}
	if c.AuthJWKSRefetchInterval < time.Second || c.AuthJWKSRefetchInterval > 15*time.Minute {
		errs = append(errs, errors.New("AUTH_JWKS_REFETCH_INTERVAL: must be between 1s and 15m"))
	}
	if c.AWSEndpointURL != "" {
		if u, err := url.Parse(c.AWSEndpointURL); err != nil || u.Host == "" {
			errs = append(errs, errors.New("AWS_ENDPOINT_URL: must be an absolute URL such as http://localhost:4566"))
		}
	}
	if c.PresignTTL < 0 || c.PresignTTL > MaxPresignTTL {
		errs = append(errs, errors.New("S3_PRESIGN_TTL: must be between 0 (off) and 168h"))
	}
	if err := c.HTTP.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.QueueName == "" || c.BucketName == "" {
		errs = append(errs, errors.New("SQS_QUEUE_NAME and S3_BUCKET_NAME: must not be empty"))
	}
	if c.UploadRatePerUser < 0 || c.UploadRatePerUser > 1000 {
		errs = append(errs, errors.New("UPLOAD_RATE_PER_USER: must be between 0 (no limit) and 1000"))
	}
	if c.PDFCacheBytes < 0 {
		errs = append(errs, errors.New("PDF_CACHE_BYTES: must not be negative (0 turns the cache off)"))
	}
	if c.PDFRenderConcurrency < 0 || c.PDFRenderConcurrency > 1024 {
		errs = append(errs, errors.New("PDF_RENDER_CONCURRENCY: must be between 0 (one per core) and 1024"))
	}
	if c.PDFRenderQueue < 1 || c.PDFRenderQueue > 100000 {
		errs = append(errs, errors.New("PDF_RENDER_QUEUE: must be between 1 and 100000"))
	}
	if c.PDFRenderMaxWait < time.Millisecond || c.PDFRenderMaxWait > time.Minute {
		errs = append(errs, errors.New("PDF_RENDER_MAX_WAIT: must be between 1ms and 1m"))
	}
	if c.WorkerConcurrency < 0 || c.MaxReceiveCount < 1 {
		errs = append(errs, errors.New("WORKER_CONCURRENCY must not be negative and SQS_MAX_RECEIVE_COUNT must be at least 1"))
	}
	return errors.Join(errs...)
}

// AWS is the settings the AWS clients are built from.
func (c Config) AWS() awsconfig.Settings {
	return awsconfig.Settings{
		EndpointURL: c.AWSEndpointURL, AccessKeyID: c.AWSAccessKeyID,
		SecretAccessKey: c.AWSSecretAccessKey, Region: c.AWSRegion,
	}
}

// Tokens is how access tokens are verified.
func (c Config) Tokens() jwtverify.Config {
	return jwtverify.Config{
		Algorithm: c.Algorithm, Secret: []byte(c.SecretKey), JWKSURL: c.AuthJWKSURL,
		Issuer: c.Issuer, Audience: c.Audience, Leeway: jwtverify.DefaultLeeway,
		RefetchInterval: c.AuthJWKSRefetchInterval,
	}
}
