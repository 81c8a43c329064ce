package servetest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"prana/shared/logging"
	"prana/testkit/logtest"
)

// Wiring is a service's run function with its configuration bound: it
// logs to log, serves until ctx ends and reports its address through ready.
type Wiring func(ctx context.Context, log *slog.Logger, ready func(net.Addr)) error

// LaunchLogged is Launch with the service's own JSON logger, as its binary
// builds it, writing to logs.
func LaunchLogged(name, level string, logs io.Writer, wiring Wiring) (net.Addr, func() error, error) {
	log := logging.New(logs, level, name)
	return Launch(func(ctx context.Context, ready func(net.Addr)) error {
		return wiring(ctx, log, ready)
	})
}

// Service is a service's real wiring run in process by a component test.
type Service struct {
	Base string       // "http://127.0.0.1:port"
	HTTP *http.Client // sends through Options.Transport
	Stop func() error // stops it and returns what run returned; safe to call again
}

// Options says how to run a Service.
type Options struct {
	Name      string            // as the service logs itself: "auth"
	LogLevel  string            // its LOG_LEVEL
	Logs      *logtest.Buffer   // receives its log
	Transport http.RoundTripper // carries the test's requests (one that checks them against the spec)
	// Secrets are what no log line may hold besides tokens, which are
	// always looked for.
	Secrets []string
}

// tokenMark starts every JWT: the base64 of `{"`.
const tokenMark = "eyJ"

// Start runs wiring until the test ends. At the end it stops the service
// and fails the test when run returned an error, when the log has no access
// log line (the secret check would then prove nothing), or when a line
// holds a token or one of Options.Secrets.
func Start(t *testing.T, o Options, wiring Wiring) *Service {
	t.Helper()
	addr, stop, err := LaunchLogged(o.Name, o.LogLevel, o.Logs, wiring)
	if err != nil {
		t.Fatalf("%s did not start: %v\nlogs:\n%s", o.Name, err, o.Logs)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("%s: run returned %v", o.Name, err)
		}
		CheckLogsHoldNoSecrets(t, o.Logs.String(), o.Secrets...)
	})
	if c, ok := o.Transport.(interface{ CloseIdleConnections() }); ok {
		t.Cleanup(c.CloseIdleConnections)
	}
	return &Service{
		Base: "http://" + addr.String(),
		HTTP: &http.Client{Transport: o.Transport, Timeout: 30 * time.Second},
		Stop: stop,
	}
}

// CheckLogsHoldNoSecrets fails the test when logs has no access log line,
// or when a line holds a token or one of secrets.
func CheckLogsHoldNoSecrets(t testing.TB, logs string, secrets ...string) {
	t.Helper()
	if !strings.Contains(logs, `"msg":"request"`) {
		t.Errorf("no access log lines: the secret check would prove nothing")
	}
	for _, secret := range append([]string{tokenMark}, secrets...) {
		if i := strings.Index(logs, secret); i >= 0 {
			start := strings.LastIndexByte(logs[:i], '\n') + 1
			end := i + strings.IndexByte(logs[i:]+"\n", '\n')
			t.Errorf("a log line holds %q:\n%s", secret, logs[start:end])
		}
	}
}
