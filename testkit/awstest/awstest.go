// Package awstest runs an in-process S3 and SQS emulator (kumo) for the
// adapters' tests and builds SDK clients against it. Import it only from
// _test.go files: kumo pulls in many modules the service binaries must not
// carry.
package awstest

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/sivchari/kumo"

	"prana/shared/awsconfig"
)

// The emulator is shared by every test in the process. kumo keeps each
// service's state in a package-level singleton created at init, so a second
// kumo.NewServer would not be isolated from the first, and building two at
// once is a data race (both rewire the same singletons). Tests isolate
// themselves by using their own bucket and queue names instead.
var (
	once   sync.Once
	shared string
)

// Start returns the base URL of the process's emulator, e.g.
// http://127.0.0.1:41234, starting it on a random loopback port on first use.
// It is never closed: it lives as long as the test binary. Its state is
// shared, so give each test its own bucket and queue names.
func Start(t testing.TB) (endpoint string) {
	t.Helper()
	once.Do(func() { shared = kumo.NewServer().URL })
	return shared
}

// Settings are the settings a service would be given for the emulator at
// endpoint, with dummy credentials.
func Settings(endpoint string) awsconfig.Settings {
	return awsconfig.Settings{
		EndpointURL:     endpoint,
		AccessKeyID:     "test",
		SecretAccessKey: "test",
		Region:          "us-east-1",
	}
}

// Config builds an aws.Config for endpoint through awsconfig.Load, so tests
// exercise the same path as the binaries. optFns can e.g. limit retries.
func Config(t testing.TB, endpoint string, optFns ...func(*config.LoadOptions) error) aws.Config {
	t.Helper()
	cfg, err := awsconfig.Load(context.Background(), Settings(endpoint), optFns...)
	if err != nil {
		t.Fatalf("awstest: %v", err)
	}
	return cfg
}

// S3 returns an S3 client for the emulator at endpoint.
func S3(t testing.TB, endpoint string, optFns ...func(*s3.Options)) *s3.Client {
	t.Helper()
	return awsconfig.NewS3(Config(t, endpoint), Settings(endpoint), optFns...)
}

// SQS returns an SQS client for the emulator at endpoint.
func SQS(t testing.TB, endpoint string, optFns ...func(*sqs.Options)) *sqs.Client {
	t.Helper()
	return awsconfig.NewSQS(Config(t, endpoint), Settings(endpoint), optFns...)
}

// NoRetries is an SDK client option for tests that expect failures: one
// attempt per call, so an unreachable endpoint fails at once.
func NoRetries(o *sqs.Options) { o.RetryMaxAttempts = 1 }

// ClosedEndpoint returns the URL of a loopback port nothing listens on, so
// that connections are refused at once.
func ClosedEndpoint(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("awstest: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("awstest: %v", err)
	}
	return "http://" + addr
}

// SilentEndpoint returns the URL of a loopback listener that accepts
// connections and never answers, to show a call is bounded by a timeout.
func SilentEndpoint(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("awstest: %v", err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			// Hold the connection open without reading or writing.
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return "http://" + l.Addr().String()
}

// Eventually polls cond every 50 ms until it holds or timeout passes.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("awstest: timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
