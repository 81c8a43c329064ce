package main

// The HTTP tests run the real wiring, run(), on a real PostgreSQL (one fresh
// database per service) and talk to it through the generated client. Every
// response passes through validatingTransport (spec_test.go), which checks it
// against api/auth.yaml.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caarlos0/env/v11"

	"prana/auth/authclient"
	"prana/auth/internal/config"
	"prana/testkit/logtest"
	"prana/testkit/pgtest"
	"prana/testkit/servetest"
	"prana/testkit/specvalidate"
)

func TestMain(m *testing.M) {
	specvalidate.DefineFormats()
	suite.Secret(secretMarker, seedPassword, seedHash)
	code := pgtest.Main(m)
	removeBuiltBinary()
	os.Exit(suite.Finish(code))
}

// suite holds every service log this package captures; TestMain scans it
// at the end for passwords, tokens and hashes, and for lines that are not
// one JSON object each.
var suite logtest.Suite

// secretMarker is part of every valid password the tests use, so that the
// log check at the end of each service can look for it.
const secretMarker = "Sesame"

// testPassword is a valid password.
const testPassword = "open-" + secretMarker + "-42"

// seedPassword is the password behind seedHash.
const seedPassword = "seed-password-1"

// seedHash was written by passlib for the seed system (argon2id, 100 MiB,
// t=2, p=8).
const seedHash = "$argon2id$v=19$m=102400,t=2,p=8$QMj5v3eu9X5vTUkJIYSQsg$cSv2ZaZNNi7gOGKTt0mCLQ"

// service is one running auth service.
type service struct {
	cfg    config.Config
	base   string
	client *authclient.ClientWithResponses
	// http is a plain client with the same validating transport, for
	// requests the generated client cannot make (malformed bodies).
	http *http.Client
	logs *logtest.Buffer
	// stop cancels run's context and returns what run returned.
	stop func() error
}

// testConfig is the service's default configuration (as with an empty
// environment) on database dsn, listening on a free port, with limits that
// a loaded test machine cannot trip by accident.
func testConfig(t *testing.T, dsn string) config.Config {
	t.Helper()
	var cfg config.Config
	if err := env.ParseWithOptions(&cfg, env.Options{Environment: map[string]string{}}); err != nil {
		t.Fatalf("default config: %v", err)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.DatabaseURL = dsn
	cfg.LogLevel = "debug"
	cfg.Issuer, cfg.Audience = "prana-auth", "prana"
	cfg.HashMaxWait = time.Minute
	cfg.LoginPerIPPerMinute, cfg.LoginPerIPEmailPerMinute, cfg.LoginPerEmailPerMinute = 0, 0, 0
	cfg.SignupPerIPPerMinute, cfg.SignupPerRangePerMinute, cfg.SignupPerEmailPerMinute = 0, 0, 0
	return cfg
}

// newService starts a service on a fresh database; edit adjusts its config.
func newService(t *testing.T, edit ...func(*config.Config)) *service {
	t.Helper()
	cfg := testConfig(t, pgtest.NewDatabase(t))
	for _, e := range edit {
		e(&cfg)
	}
	return startService(t, cfg)
}

// startService runs the service with cfg until the test ends.
func startService(t *testing.T, cfg config.Config) *service {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("test config is invalid: %v", err)
	}
	s := &service{cfg: cfg, logs: suite.Buffer("auth (" + t.Name() + ")")}
	svc := servetest.Start(t, servetest.Options{
		Name: "auth", LogLevel: cfg.LogLevel, Logs: s.logs, Transport: newValidatingTransport(t),
		Secrets: []string{secretMarker, seedPassword},
	}, wiring(cfg))
	s.base, s.http, s.stop = svc.Base, svc.HTTP, svc.Stop
	c, err := authclient.NewClientWithResponses(s.base, authclient.WithHTTPClient(s.http))
	if err != nil {
		t.Fatal(err)
	}
	s.client = c
	return s
}

// wiring is the real wiring with cfg, as the auth binary runs it.
func wiring(cfg config.Config) servetest.Wiring {
	return func(ctx context.Context, log *slog.Logger, ready func(net.Addr)) error {
		return run(ctx, cfg, log, ready)
	}
}

// launch runs the real wiring in the background until stop is called.
func launch(cfg config.Config, logs io.Writer) (net.Addr, func() error, error) {
	return servetest.LaunchLogged("auth", cfg.LogLevel, logs, wiring(cfg))
}

var emailSeq atomic.Int64

// uniqueEmail returns an address no other test uses.
func uniqueEmail(prefix string) string {
	local := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, prefix)
	return fmt.Sprintf("%s.%d@example.com", local, emailSeq.Add(1))
}

// validSignup is a signup request that passes every rule.
func validSignup(email string) authclient.SignupRequest {
	return authclient.SignupRequest{
		Name: "Ivan", Surname: "Petrenko", Email: email, DateOfBirth: "1990-02-28", Password: testPassword,
	}
}

func (s *service) signup(t *testing.T, req authclient.SignupRequest, edit ...authclient.RequestEditorFn) *authclient.SignupResponse {
	t.Helper()
	resp, err := s.client.SignupWithResponse(context.Background(), req, edit...)
	if err != nil {
		t.Fatalf("signup: %v", err)
	}
	return resp
}

// mustSignup registers a user and returns it.
func (s *service) mustSignup(t *testing.T, req authclient.SignupRequest) authclient.User {
	t.Helper()
	resp := s.signup(t, req)
	if resp.StatusCode() != http.StatusCreated || resp.JSON201 == nil {
		t.Fatalf("signup %s: status %d, body %s", req.Email, resp.StatusCode(), resp.Body)
	}
	return *resp.JSON201
}

func (s *service) login(t *testing.T, email, password string) *authclient.LoginResponse {
	t.Helper()
	resp, err := s.client.LoginWithResponse(context.Background(), authclient.LoginRequest{Email: email, Password: password})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return resp
}

// mustLogin logs in and returns the access token.
func (s *service) mustLogin(t *testing.T, email, password string) string {
	t.Helper()
	resp := s.login(t, email, password)
	if resp.StatusCode() != http.StatusOK || resp.JSON200 == nil {
		t.Fatalf("login %s: status %d, body %s", email, resp.StatusCode(), resp.Body)
	}
	suite.Secret(resp.JSON200.AccessToken)
	return resp.JSON200.AccessToken
}

// me calls GET /api/auth/me with the given Authorization header ("" for
// none).
func (s *service) me(t *testing.T, authorization string) *authclient.GetMeResponse {
	t.Helper()
	resp, err := s.client.GetMeWithResponse(context.Background(), func(_ context.Context, r *http.Request) error {
		if authorization != "" {
			r.Header.Set("Authorization", authorization)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("me: %v", err)
	}
	return resp
}

// do sends a raw request and returns the response with its body read.
func (s *service) do(t *testing.T, method, path, contentType string, body io.Reader, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return servetest.Do(t, s.http, req)
}

// eventually polls cond every 20 ms until it holds, and fails the test if
// it does not within the given time.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
