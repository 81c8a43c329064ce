package awsconfig

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// isolate clears the AWS variables and shared files a developer's machine may
// have, so that each test sees only what it sets. t.Setenv rules out
// t.Parallel for these tests.
func isolate(t *testing.T) {
	t.Helper()
	for _, k := range []string{
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE",
	} {
		t.Setenv(k, "")
	}
	missing := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", missing)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", missing)
}

func TestEmulatorSettings(t *testing.T) {
	isolate(t)
	s := Settings{EndpointURL: "http://127.0.0.1:4566", AccessKeyID: "AKID", SecretAccessKey: "SECRET"}
	cfg, err := Load(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != DefaultEmulatorRegion {
		t.Errorf("region = %q, want %q", cfg.Region, DefaultEmulatorRegion)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != "AKID" || creds.SecretAccessKey != "SECRET" {
		t.Errorf("credentials = %q/%q, want the static keys", creds.AccessKeyID, creds.SecretAccessKey)
	}

	o := NewS3(cfg, s).Options()
	if got := aws.ToString(o.BaseEndpoint); got != s.EndpointURL {
		t.Errorf("s3 endpoint = %q, want %q", got, s.EndpointURL)
	}
	if !o.UsePathStyle {
		t.Error("s3 UsePathStyle = false, want true against an emulator")
	}
	if o.RequestChecksumCalculation != aws.RequestChecksumCalculationWhenRequired ||
		o.ResponseChecksumValidation != aws.ResponseChecksumValidationWhenRequired {
		t.Error("s3 checksums not set to 'when required'")
	}
	if !o.DisableLogOutputChecksumValidationSkipped {
		t.Error("checksum-skipped warning not silenced")
	}
	if got := aws.ToString(NewSQS(cfg, s).Options().BaseEndpoint); got != s.EndpointURL {
		t.Errorf("sqs endpoint = %q, want %q", got, s.EndpointURL)
	}
}

func TestServiceEndpointVariableWins(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ENDPOINT_URL_S3", "http://s3.local:9000")
	s := Settings{EndpointURL: "http://127.0.0.1:4566", Region: "eu-central-1"}
	cfg, err := Load(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(NewS3(cfg, s).Options().BaseEndpoint); got != "http://s3.local:9000" {
		t.Errorf("s3 endpoint = %q, want AWS_ENDPOINT_URL_S3", got)
	}
	if got := aws.ToString(NewSQS(cfg, s).Options().BaseEndpoint); got != s.EndpointURL {
		t.Errorf("sqs endpoint = %q, want %q", got, s.EndpointURL)
	}
}

func TestRealAWSUsesDefaultChain(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET")
	t.Setenv("AWS_SESSION_TOKEN", "ENVTOKEN")
	s := Settings{AccessKeyID: "ENVKEY", SecretAccessKey: "ENVSECRET", Region: "eu-west-1"}
	cfg, err := Load(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.SessionToken != "ENVTOKEN" {
		t.Errorf("session token = %q: the default chain was bypassed", creds.SessionToken)
	}
	o := NewS3(cfg, s).Options()
	if o.BaseEndpoint != nil || o.UsePathStyle {
		t.Errorf("real AWS: endpoint %v, path style %v; want none, false", o.BaseEndpoint, o.UsePathStyle)
	}
	if o.Region != "eu-west-1" {
		t.Errorf("region = %q, want eu-west-1", o.Region)
	}
}
