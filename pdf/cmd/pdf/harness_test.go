package main

// The HTTP tests run the real wiring, run(), against the in-process S3+SQS
// emulator (one per test binary; each service gets its own queue and
// bucket) and talk to it through the generated client. Every response
// passes through validatingTransport (spec_test.go), which checks it
// against api/pdf.yaml.

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/caarlos0/env/v11"
	"github.com/google/uuid"

	"prana/pdf/internal/config"
	"prana/pdf/pdfclient"
	"prana/testkit/awstest"
	"prana/testkit/logtest"
	"prana/testkit/servetest"
	"prana/testkit/specvalidate"
)

func TestMain(m *testing.M) {
	specvalidate.DefineFormats()
	os.Exit(suite.Finish(m.Run()))
}

// suite holds every service log this package captures; TestMain scans it
// at the end for tokens and for lines that are not one JSON object each.
var suite logtest.Suite

// service is one running pdf service.
type service struct {
	cfg      config.Config
	endpoint string // the emulator's
	base     string
	client   *pdfclient.ClientWithResponses
	// http is a plain client with the same validating transport, for
	// requests the generated client cannot make.
	http *http.Client
	sqs  *sqs.Client
	logs *logtest.Buffer
}

// testConfig is the default configuration (as with an empty environment)
// on the emulator, with a queue and a bucket of the test's own.
func testConfig(t *testing.T) config.Config {
	t.Helper()
	var cfg config.Config
	if err := env.ParseWithOptions(&cfg, env.Options{Environment: map[string]string{}}); err != nil {
		t.Fatalf("default config: %v", err)
	}
	endpoint := awstest.Start(t)
	cfg.Addr = "127.0.0.1:0"
	cfg.LogLevel = "debug"
	cfg.AWSEndpointURL, cfg.AWSAccessKeyID, cfg.AWSSecretAccessKey, cfg.AWSRegion = endpoint, "test", "test", "us-east-1"
	cfg.QueueName = "pdf-tasks-" + uuid.NewString()
	cfg.BucketName = "user-pdfs-" + uuid.NewString()[:18]
	return cfg
}

// eddsa configures the service to trust iss, as it trusts the auth service.
func (iss *issuer) configure(c *config.Config) {
	c.Algorithm, c.AuthJWKSURL = "EdDSA", iss.jwksURL
	c.Issuer, c.Audience = "prana-auth", "prana"
}

// hs256 configures seed mode: HS256 with a shared secret, no iss/aud.
func hs256(secret string) func(*config.Config) {
	return func(c *config.Config) {
		c.Algorithm, c.SecretKey, c.Issuer, c.Audience = "HS256", secret, "", ""
	}
}

// newService starts a service with the test config adjusted by edit; it
// runs until the test ends.
func newService(t *testing.T, edit ...func(*config.Config)) *service {
	t.Helper()
	cfg := testConfig(t)
	emulator := cfg.AWSEndpointURL
	for _, e := range edit {
		e(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("test config is invalid: %v", err)
	}
	s := &service{cfg: cfg, endpoint: cfg.AWSEndpointURL, logs: suite.Buffer("pdf (" + t.Name() + ")")}
	svc := servetest.Start(t, servetest.Options{
		Name: "pdf", LogLevel: cfg.LogLevel, Logs: s.logs, Transport: newValidatingTransport(t),
	}, func(ctx context.Context, log *slog.Logger, ready func(net.Addr)) error {
		return run(ctx, cfg, log, ready)
	})
	s.base, s.http = svc.Base, svc.HTTP
	c, err := pdfclient.NewClientWithResponses(s.base, pdfclient.WithHTTPClient(s.http))
	if err != nil {
		t.Fatal(err)
	}
	s.client = c
	s.sqs = awstest.SQS(t, s.endpoint)
	if cfg.AWSEndpointURL == emulator {
		s.waitAWS(t) // tests that take AWS away point elsewhere
	}
	return s
}

// waitAWS waits until the service has set up S3 and SQS, which it does in
// the background after it starts serving.
func (s *service) waitAWS(t *testing.T) {
	t.Helper()
	awstest.Eventually(t, 15*time.Second, "S3 and SQS set up", func() bool {
		r, err := s.client.GetReadyWithResponse(context.Background())
		if err != nil || r.Body == nil {
			return false
		}
		var doc struct{ Checks map[string]string }
		if json.Unmarshal(r.Body, &doc) != nil {
			return false
		}
		return doc.Checks["s3"] == "ok" && doc.Checks["sqs"] == "ok"
	})
}

// bearer is a request editor that sets the Authorization header ("" sends
// none).
func bearer(authorization string) pdfclient.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		if authorization != "" {
			r.Header.Set("Authorization", authorization)
		}
		return nil
	}
}

// do sends a raw request through the validating client and reads the body.
func (s *service) do(t *testing.T, method, path string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	return servetest.Do(t, s.http, req)
}

// queueURL is the URL of the service's task queue (suffix "" or "-dlq").
func (s *service) queueURL(t *testing.T, suffix string) string {
	t.Helper()
	out, err := s.sqs.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String(s.cfg.QueueName + suffix)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.QueueUrl)
}
