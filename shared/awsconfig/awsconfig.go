// Package awsconfig builds AWS SDK clients for S3 and SQS from the settings
// the services read at start-up, so that every binary talks to real AWS or to
// a local emulator (LocalStack, kumo) the same way.
//
// It reads no environment variables itself: the caller's config package does,
// and passes the values in. The SDK still reads its own variables, and the
// service-specific AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_SQS win over
// Settings.EndpointURL, as LocalStack users expect.
package awsconfig

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// DefaultEmulatorRegion is the region used against an emulator when none is
// given: requests must be signed for some region, and emulators accept any.
const DefaultEmulatorRegion = "us-east-1"

// Settings are the seed's AWS variables: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION.
type Settings struct {
	// EndpointURL points every client at an emulator, e.g.
	// http://localhost:4566. Empty means real AWS.
	EndpointURL     string
	AccessKeyID     string
	SecretAccessKey string
	Region          string
}

// Emulated reports whether the settings point at an emulator.
func (s Settings) Emulated() bool { return s.EndpointURL != "" }

// Load builds an aws.Config. With an endpoint it uses static credentials when
// both keys are given; without one it leaves credentials to the SDK's default
// chain (environment, shared files, SSO, instance roles), because static keys
// would drop a session token the chain would have found. optFns are applied
// last, e.g. to set an HTTP client or retry limits in tests.
func Load(ctx context.Context, s Settings, optFns ...func(*config.LoadOptions) error) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	region := s.Region
	if region == "" && s.Emulated() {
		region = DefaultEmulatorRegion
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	if s.Emulated() {
		if s.AccessKeyID != "" && s.SecretAccessKey != "" {
			opts = append(opts, config.WithCredentialsProvider(
				credentials.NewStaticCredentialsProvider(s.AccessKeyID, s.SecretAccessKey, "")))
		}
		// Emulators may store aws-chunked framing or send no checksums.
		opts = append(opts,
			config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
			config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired))
	}
	opts = append(opts, optFns...)

	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("awsconfig: load: %w", err)
	}
	if s.Emulated() {
		// Set on the config, not through config.WithBaseEndpoint: that
		// in-code option would override AWS_ENDPOINT_URL_S3/_SQS too.
		cfg.BaseEndpoint = aws.String(s.EndpointURL)
	}
	return cfg, nil
}

// NewS3 builds an S3 client. When any endpoint is in effect (Settings, or the
// SDK's own AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3) it uses path-style
// addressing, checksums only when required, and silences the
// "Response has no supported checksum" warning emulators trigger.
func NewS3(cfg aws.Config, s Settings, optFns ...func(*s3.Options)) *s3.Client {
	emulated := func(o *s3.Options) {
		if o.BaseEndpoint == nil {
			if !s.Emulated() {
				return
			}
			// cfg did not come from Load: the endpoint is still wanted.
			o.BaseEndpoint = aws.String(s.EndpointURL)
		}
		o.UsePathStyle = true
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		o.DisableLogOutputChecksumValidationSkipped = true
	}
	return s3.NewFromConfig(cfg, append([]func(*s3.Options){emulated}, optFns...)...)
}

// NewSQS builds an SQS client. The endpoint normally comes from cfg (see
// Load); SQS needs nothing else for an emulator.
func NewSQS(cfg aws.Config, s Settings, optFns ...func(*sqs.Options)) *sqs.Client {
	endpoint := func(o *sqs.Options) {
		if o.BaseEndpoint == nil && s.Emulated() {
			o.BaseEndpoint = aws.String(s.EndpointURL)
		}
	}
	return sqs.NewFromConfig(cfg, append([]func(*sqs.Options){endpoint}, optFns...)...)
}
