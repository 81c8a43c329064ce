package command

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"prana/cli/internal/failure"
	"prana/cli/internal/tokenstore"
)

// result is what one in-process run printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command line with its own config folder and environment.
func runCLI(t *testing.T, configDir string, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr strings.Builder
	code := Run(t.Context(), Env{
		Getenv:    func(k string) string { return env[k] },
		ConfigDir: configDir,
		Stdin:     strings.NewReader(stdin),
		Stdout:    &stdout,
		Stderr:    &stderr,
	}, args)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func (r result) want(t *testing.T, code int, stderrHas ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	for _, s := range stderrHas {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
}

// loggedIn is a config folder holding a valid token.
func loggedIn(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := tokenstore.New(dir).Save(tokenstore.Token{AccessToken: "h.p.s", TokenType: "Bearer",
		ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		says string
	}{
		{nil, "Usage: prana"},
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"pdf"}, "pdf needs a command"},
		{[]string{"pdf", "print"}, `unknown command "pdf print"`},
		{[]string{"--nope", "me"}, "flag provided but not defined: -nope"},
		{[]string{"me", "extra"}, `unexpected argument "extra"`},
		{[]string{"me", "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"signup", "--name", "Ann"}, "missing --surname, --email, --date-of-birth"},
		{[]string{"signup", "--name", "Ann", "--surname", "Lee", "--email", "a@b.c", "--date-of-birth", "1990-01-01"}, "no password"},
		{[]string{"login"}, "missing --email"},
		{[]string{"pdf", "download", "-o", "-", "--json"}, "both want stdout"},
		{[]string{"pdf", "upload", "--wait", "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"pdf", "upload", "--timeout", "soon"}, "invalid value"},
		{[]string{"me", "--auth-url", "localhost:8001"}, "--auth-url \"localhost:8001\" is not an http(s) URL"},
		{[]string{"help", "bogus"}, `unknown command "bogus"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, loggedIn(t), nil, "", tc.args...)
			r.want(t, failure.Usage, tc.says)
			if r.stdout != "" {
				t.Errorf("a usage error printed on stdout: %q", r.stdout)
			}
		})
	}
}

func TestHelpIsASuccess(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args     []string
		out      func(result) string
		contains string
	}{
		{[]string{"help"}, func(r result) string { return r.stdout }, "3  server or network"},
		{[]string{"-h"}, func(r result) string { return r.stderr }, "pdf upload"},
		{[]string{"help", "pdf", "upload"}, func(r result) string { return r.stdout }, "--timeout DURATION"},
		{[]string{"pdf", "download", "-h"}, func(r result) string { return r.stderr }, "-o FILE"},
		{[]string{"signup", "--help"}, func(r result) string { return r.stderr }, "PRANA_PASSWORD"},
		{[]string{"help"}, func(r result) string { return r.stdout }, "account delete"},
		{[]string{"help", "account", "delete"}, func(r result) string { return r.stdout }, "--yes"},
		{[]string{"password", "-h"}, func(r result) string { return r.stderr }, "PRANA_NEW_PASSWORD"},
		{[]string{"help", "logout"}, func(r result) string { return r.stdout }, "exits 3"},
	} {
		r := runCLI(t, t.TempDir(), nil, "", tc.args...)
		r.want(t, failure.OK)
		if !strings.Contains(tc.out(r), tc.contains) {
			t.Errorf("prana %v: help lacks %q:\n%s", tc.args, tc.contains, tc.out(r))
		}
	}
}

// TestGlobalFlags checks where the service URL comes from: the default, the
// environment, then the flag (before or after the command).
func TestGlobalFlags(t *testing.T) {
	t.Parallel()
	seen := make(chan string, 10)
	fake := func() *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen <- r.Host + " " + r.Header.Get("Authorization")
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"0192e4c5-7a8b-7c3d-9e0f-1a2b3c4d5e6f","name":"Ann","surname":"Lee",
				"email":"ann@example.com","date_of_birth":"1990-01-01","created_at":"2026-01-01T00:00:00Z"}`)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	fromEnv, fromFlag := fake(), fake()
	env := map[string]string{"PRANA_AUTH_URL": fromEnv.URL}
	for _, tc := range []struct {
		args []string
		want *httptest.Server
	}{
		{[]string{"me"}, fromEnv},
		{[]string{"--auth-url", fromFlag.URL, "me"}, fromFlag},
		{[]string{"me", "--auth-url", fromFlag.URL}, fromFlag},
	} {
		r := runCLI(t, loggedIn(t), env, "", tc.args...)
		r.want(t, failure.OK)
		if got, want := <-seen, strings.TrimPrefix(tc.want.URL, "http://")+" Bearer h.p.s"; got != want {
			t.Errorf("prana %v asked %q, want %q", tc.args, got, want)
		}
	}
	for _, args := range [][]string{{"--json", "me"}, {"me", "--json"}} {
		r := runCLI(t, loggedIn(t), env, "", args...)
		<-seen
		var user struct{ ID string }
		dec := json.NewDecoder(strings.NewReader(r.stdout))
		if err := dec.Decode(&user); err != nil || dec.More() || user.ID != "0192e4c5-7a8b-7c3d-9e0f-1a2b3c4d5e6f" {
			t.Errorf("prana %v printed %q, want one JSON object, the user", args, r.stdout)
		}
	}
}

func TestDefaultURLs(t *testing.T) {
	t.Parallel()
	a := newApp(Env{})
	if a.g.authURL != "http://localhost:8001" || a.g.pdfURL != "http://localhost:8002" {
		t.Errorf("defaults %q %q", a.g.authURL, a.g.pdfURL)
	}
}

func TestNeedsALogin(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"me"}, {"pdf", "download"}, {"pdf", "upload"}, {"password"},
		{"account", "delete", "--yes"}} {
		runCLI(t, t.TempDir(), nil, "", args...).want(t, failure.Auth, "not logged in: run prana login first")
	}
	dir := t.TempDir()
	if err := tokenstore.New(dir).Save(tokenstore.Token{AccessToken: "h.p.s",
		ExpiresAt: time.Now().Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	runCLI(t, dir, nil, "", "me").want(t, failure.Auth, "your login expired")
}

func TestFileName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ header, user, want string }{
		{`attachment; filename="profile_abc.pdf"`, "abc", "profile_abc.pdf"},
		{`attachment; filename="../../etc/passwd"`, "abc", "passwd"},
		{`attachment; filename="/tmp/x.pdf"`, "abc", "x.pdf"},
		{`attachment; filename=".."`, "abc", "profile_abc.pdf"},
		{`attachment; filename=""`, "abc", "profile_abc.pdf"},
		{"", "abc", "profile_abc.pdf"},
		{"garbage;;", "", "profile.pdf"},
	} {
		if got := fileName(tc.header, tc.user); got != tc.want {
			t.Errorf("fileName(%q, %q) = %q, want %q", tc.header, tc.user, got, tc.want)
		}
	}
}

func TestCanceledIsNotANetworkFailure(t *testing.T) {
	t.Parallel()
	if err := callErr("auth", "http://x", context.Canceled); failure.Code(err) == failure.Server {
		t.Errorf("an interrupted run maps to %d", failure.Code(err))
	}
}
