// Package s3store keeps rendered PDFs and job records in one S3 bucket. The
// pdf service has no database: a job record is a small JSON object next to
// the PDFs.
package s3store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"prana/pdf/internal/app"
)

// callTimeout bounds each S3 call, so that a stalled connection cannot hold a
// request or a worker slot for ever. The SDK's HTTP client has no overall
// timeout of its own.
const callTimeout = 30 * time.Second

// Config says where objects go and how users reach them.
type Config struct {
	Bucket string
	// PublicBaseURL (S3_PUBLIC_URL), when set, is the prefix of public
	// object URLs, e.g. a CDN: base + "/" + key.
	PublicBaseURL string
	// Endpoint and Region default to the client's; set them only to
	// override what the client was built with.
	Endpoint string
	Region   string
	// PresignTTL (S3_PRESIGN_TTL), when positive, makes job records read
	// back carry a presigned GET URL valid that long instead of the plain
	// address: for a private bucket. At most MaxPresignTTL.
	PresignTTL time.Duration
	// Now is the clock of the upload windows; nil: time.Now.
	Now func() time.Time
}

// Store is an S3-backed app.ObjectStore and app.JobStore.
type Store struct {
	client   *s3.Client
	bucket   string
	base     string
	endpoint string
	region   string
	// presignTTL > 0 turns job URLs into presigned ones (see presign.go).
	presignTTL time.Duration
	now        func() time.Time
}

// New returns a Store for cfg.Bucket. The endpoint and region used for public
// URLs are read from the client's options unless cfg gives them, so that an
// AWS_ENDPOINT_URL_S3 the SDK resolved is honoured.
func New(client *s3.Client, cfg Config) *Store {
	o := client.Options()
	st := &Store{
		client:     client,
		bucket:     cfg.Bucket,
		base:       cfg.PublicBaseURL,
		endpoint:   cfg.Endpoint,
		region:     cfg.Region,
		presignTTL: cfg.PresignTTL,
		now:        cfg.Now,
	}
	if st.endpoint == "" {
		st.endpoint = aws.ToString(o.BaseEndpoint)
	}
	if st.region == "" {
		st.region = o.Region
	}
	return st
}

// EnsureBucket creates the bucket when it does not exist yet, with the
// lifecycle rules of lifecycle.go. Calling it again, or from several
// processes at once, is harmless; a bucket that exists is left as it is
// (its rules are its owner's).
func (s *Store) EnsureBucket(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()

	_, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(s.bucket)})
	if err == nil {
		return nil
	}
	var notFound *types.NotFound
	if !errors.As(err, &notFound) {
		return fmt.Errorf("s3store: head bucket %s: %w", s.bucket, err)
	}

	in := &s3.CreateBucketInput{Bucket: aws.String(s.bucket)}
	if s.region != "" && s.region != "us-east-1" {
		// Outside us-east-1 real S3 refuses a create without a location.
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraint(s.region),
		}
	}
	_, err = s.client.CreateBucket(ctx, in)
	var owned *types.BucketAlreadyOwnedByYou
	if errors.As(err, &owned) {
		return nil // another replica created it, and sets its rules
	}
	if err != nil {
		return fmt.Errorf("s3store: create bucket %s: %w", s.bucket, err)
	}
	return s.putLifecycle(ctx)
}

func (s *Store) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// Ping checks that the bucket is reachable, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(s.bucket)}); err != nil {
		return fmt.Errorf("s3store: ping bucket %s: %w", s.bucket, err)
	}
	return nil
}

// PutPDF stores body under key with content type application/pdf.
func (s *Store) PutPDF(ctx context.Context, key string, body []byte) error {
	if err := s.put(ctx, key, "application/pdf", body); err != nil {
		return fmt.Errorf("s3store: put pdf: %w", err)
	}
	return nil
}

// put uploads one object. The body is a bytes.Reader because over plain http
// the SDK refuses a body it cannot seek (it would need a trailing checksum).
func (s *Store) put(ctx context.Context, key, contentType string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
		ContentType:   aws.String(contentType),
	})
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// PublicURL is the address key can be fetched from: under the configured
// public base URL if any; else path style on the emulator's endpoint; else
// the virtual-hosted address of real S3.
func (s *Store) PublicURL(key string) string {
	return publicURL(s.base, s.endpoint, s.bucket, s.region, key)
}

func publicURL(base, endpoint, bucket, region, key string) string {
	path := escapeKey(key)
	switch {
	case base != "":
		return strings.TrimRight(base, "/") + "/" + path
	case endpoint != "":
		return strings.TrimRight(endpoint, "/") + "/" + bucket + "/" + path
	default:
		if region == "" {
			region = "us-east-1"
		}
		return "https://" + bucket + ".s3." + region + ".amazonaws.com/" + path
	}
}

// escapeKey escapes each segment of key, keeping the slashes: our keys need
// no escaping, but a key is not a URL path.
func escapeKey(key string) string {
	segs := strings.Split(key, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return strings.Join(segs, "/")
}

// isNotFound reports whether err is S3's answer for a missing object. A
// missing bucket is also a 404 but is a misconfiguration, not a missing
// object, so it does not count.
func isNotFound(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "NoSuchBucket" {
		return false
	}
	var noKey *types.NoSuchKey
	var notFound *types.NotFound
	if errors.As(err, &noKey) || errors.As(err, &notFound) {
		return true
	}
	var respErr *awshttp.ResponseError
	return errors.As(err, &respErr) && respErr.HTTPStatusCode() == http.StatusNotFound
}

// Interface guards.
var (
	_ app.ObjectStore = (*Store)(nil)
	_ app.JobStore    = (*Store)(nil)
)

// DeleteObject deletes key; a key that does not exist is not an error (S3
// answers a delete of a missing key with success).
func (s *Store) DeleteObject(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)}); err != nil && !isNotFound(err) {
		return fmt.Errorf("s3store: delete %s: %w", key, err)
	}
	return nil
}
