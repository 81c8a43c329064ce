package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	devstack "prana/devstack/stack"
	"prana/testkit/pdftest"
)

// The prana CLI is built on first use, next to the service binaries.
var (
	buildCLIOnce sync.Once
	buildCLIErr  error
)

func cliBinary(t *testing.T) string {
	t.Helper()
	buildCLIOnce.Do(func() {
		root, err := devstack.RepoRoot()
		if err != nil {
			buildCLIErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(binDir, "prana"), "./cli/cmd/prana")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			buildCLIErr = errors.New("go build ./cli/cmd/prana: " + err.Error() + "\n" + string(out))
		}
	})
	if buildCLIErr != nil {
		t.Fatal(buildCLIErr)
	}
	return filepath.Join(binDir, "prana")
}

// cliUser is one person at a terminal: a home folder of their own (where
// the token is kept), a working folder for downloads, the stack's URLs.
type cliUser struct {
	bin, home, work string
	env             []string
}

func newCLIUser(t *testing.T, s *stack) *cliUser {
	t.Helper()
	home := t.TempDir()
	u := &cliUser{bin: cliBinary(t), home: home, work: t.TempDir()}
	u.env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"PRANA_AUTH_URL=" + s.AuthURL, "PRANA_PDF_URL=" + s.PDFURL}
	return u
}

func (u *cliUser) tokenFile() string { return filepath.Join(u.home, "config", "prana", "token.json") }

// cliRun is what one run of the CLI did.
type cliRun struct {
	args           []string
	code           int
	stdout, stderr string
}

// run runs prana with args, stdin and extra environment variables.
func (u *cliUser) run(t *testing.T, stdin string, extraEnv []string, args ...string) cliRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, u.bin, args...)
	cmd.Dir = u.work
	cmd.Env = append(append([]string{}, u.env...), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := cliRun{args: args, stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("prana %s: %v", strings.Join(args, " "), err)
	}
	t.Logf("prana %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	return r
}

// want fails the test unless the run exited with code and its stderr holds
// every one of texts.
func (r cliRun) want(t *testing.T, code int, texts ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("prana %s: exit %d, want %d\nstdout: %s\nstderr: %s",
			strings.Join(r.args, " "), r.code, code, r.stdout, r.stderr)
		return
	}
	for _, s := range texts {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("prana %s: stderr lacks %q:\n%s", strings.Join(r.args, " "), s, r.stderr)
		}
	}
}

// decode parses the run's stdout as exactly one JSON object.
func (r cliRun) decode(t *testing.T, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if err := dec.Decode(v); err != nil || dec.More() {
		t.Fatalf("prana %s: stdout is not one JSON object (%v): %s", strings.Join(r.args, " "), err, r.stdout)
	}
}

// TestCLI drives the built prana binary against the real stack as a user
// does: signup, login, me, download, upload --wait, and the ways these go
// wrong, each with its exit code and the server's explanation on stderr;
// then a session's life (testCLISessions).
func TestCLI(t *testing.T) {
	t.Parallel()
	// The sessions part logs one user in, fails a password, changes it… about
	// ten attempts against the login limits within a minute: above the
	// default per address and email (10), which the flood tests check.
	s := startStack(t, stackOptions{worker: true, env: []string{"LOGIN_RATE_PER_IP_EMAIL=100"}})
	u := newCLIUser(t, s)
	email := "cli-" + randomHex(6) + "@example.com"
	pw := "pw-" + randomHex(12)
	s.secret(pw)
	signupArgs := []string{"signup", "--name", "Зоя", "--surname", "Ñúñez", "--email", email,
		"--date-of-birth", "1990-02-28"}

	// The password piped on stdin, as a script would.
	r := u.run(t, pw+"\n", nil, append(signupArgs, "--json")...)
	r.want(t, 0)
	var created struct{ ID, Name, Surname, Email string }
	r.decode(t, &created)
	if created.ID == "" || created.Name != "Зоя" || created.Surname != "Ñúñez" || created.Email != email {
		t.Fatalf("signup --json printed %+v", created)
	}
	if strings.Contains(r.stdout+r.stderr, pw) {
		t.Error("signup echoed the password")
	}

	t.Run("login keeps the token for the user only", func(t *testing.T) {
		u.run(t, "", []string{"PRANA_PASSWORD=" + pw}, "login", "--email", email).want(t, 0)
		info, err := os.Stat(u.tokenFile())
		if err != nil {
			t.Fatalf("no token file after login: %v", err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("token file mode %v, want 0600", info.Mode().Perm())
		}
		dir, err := os.Stat(filepath.Dir(u.tokenFile()))
		if err != nil {
			t.Fatal(err)
		}
		if dir.Mode().Perm() != 0o700 {
			t.Errorf("token folder mode %v, want 0700", dir.Mode().Perm())
		}
		b, _ := os.ReadFile(u.tokenFile())
		var tok storedTokens
		if json.Unmarshal(b, &tok) != nil || tok.AccessToken == "" || tok.RefreshToken == "" {
			t.Fatalf("token file holds no access_token and refresh_token: %s", b)
		}
		s.secret(tok.AccessToken, tok.RefreshToken)
		if !tok.RefreshExpiresAt.After(tok.ExpiresAt) {
			t.Errorf("the session ends (%v) before its first access token (%v)", tok.RefreshExpiresAt, tok.ExpiresAt)
		}
	})
	if t.Failed() {
		t.FailNow()
	}

	t.Run("me", func(t *testing.T) {
		r := u.run(t, "", nil, "me", "--json")
		r.want(t, 0)
		var got map[string]any
		r.decode(t, &got)
		if got["id"] != created.ID || got["email"] != email || got["date_of_birth"] != "1990-02-28" {
			t.Errorf("me --json printed %v", got)
		}
		text := u.run(t, "", nil, "me")
		text.want(t, 0)
		for _, want := range []string{created.ID, "Зоя", "Ñúñez", email, "1990-02-28"} {
			if !strings.Contains(text.stdout, want) {
				t.Errorf("me printed no %q:\n%s", want, text.stdout)
			}
		}
	})

	t.Run("pdf download", func(t *testing.T) {
		r := u.run(t, "", nil, "pdf", "download", "--json")
		r.want(t, 0)
		var saved struct {
			File  string
			Bytes int
		}
		r.decode(t, &saved)
		if want := "profile_" + created.ID + ".pdf"; saved.File != want {
			t.Errorf("download saved %q, want %q (the server's file name)", saved.File, want)
		}
		pdf, err := os.ReadFile(filepath.Join(u.work, saved.File))
		if err != nil || len(pdf) != saved.Bytes {
			t.Fatalf("downloaded file: %v, %d bytes, reported %d", err, len(pdf), saved.Bytes)
		}
		hasWords(t, "pdf download", pdftest.Text(t, pdf), "Зоя", "Ñúñez", email)

		out := u.run(t, "", nil, "pdf", "download", "-o", "-")
		out.want(t, 0)
		hasWords(t, "pdf download -o -", pdftest.Text(t, []byte(out.stdout)), "Зоя", "Ñúñez")
	})

	t.Run("pdf upload --wait", func(t *testing.T) {
		r := u.run(t, "", nil, "pdf", "upload", "--wait", "--timeout", "45s")
		r.want(t, 0, "done")
		url := strings.TrimSpace(r.stdout)
		if want := kumoURL + "/" + s.Bucket + "/profile_" + created.ID + ".pdf"; url != want {
			t.Fatalf("upload --wait printed %q, want %q", url, want)
		}
		status, ctype, body, err := fetchPublic(url)
		if err != nil || status != 200 || ctype != "application/pdf" {
			t.Fatalf("GET %s: %d %q %v", url, status, ctype, err)
		}
		hasWords(t, "uploaded PDF", pdftest.Text(t, body), "Зоя", "Ñúñez", email)

		queued := u.run(t, "", nil, "pdf", "upload", "--json")
		queued.want(t, 0)
		var acc struct {
			JobID string `json:"job_id"`
			URL   string `json:"url"`
		}
		queued.decode(t, &acc)
		if acc.JobID == "" || acc.URL != url {
			t.Errorf("upload --json printed %+v, want a job id and url %s", acc, url)
		}
	})

	t.Run("wrong password is an auth failure with the server's reason", func(t *testing.T) {
		r := u.run(t, "", nil, "login", "--email", email, "--password", "wrong-"+randomHex(8))
		r.want(t, 2, "Incorrect email or password", "request id:")
	})

	t.Run("bad input shows each invalid field", func(t *testing.T) {
		r := u.run(t, "", []string{"PRANA_PASSWORD=" + pw}, "signup", "--name", "Ann", "--surname", "Lee",
			"--email", "not-an-address", "--date-of-birth", "2999-01-01")
		r.want(t, 1, "(HTTP 422)", "- email:", "- date_of_birth:")

		r = u.run(t, "", []string{"PRANA_PASSWORD=" + pw}, signupArgs...)
		r.want(t, 1, "(HTTP 409)", "already registered")
	})

	t.Run("auth service down is a server/network failure", func(t *testing.T) {
		down := "http://" + freeAddr(t)
		r := u.run(t, "", nil, "me", "--auth-url", down)
		r.want(t, 3, "cannot reach the auth service at "+down, "PRANA_AUTH_URL")
	})

	t.Run("no login, expired login", func(t *testing.T) {
		other := newCLIUser(t, s)
		other.run(t, "", nil, "pdf", "download").want(t, 2, "not logged in")

		expired := `{"access_token":"x.y.z","token_type":"Bearer","expires_at":"2020-01-01T00:00:00Z"}`
		if err := os.MkdirAll(filepath.Dir(other.tokenFile()), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(other.tokenFile(), []byte(expired), 0o600); err != nil {
			t.Fatal(err)
		}
		other.run(t, "", nil, "me").want(t, 2, "expired")
	})

	t.Run("usage errors", func(t *testing.T) {
		u.run(t, "", nil, "signup", "--name", "Ann").want(t, 1, "missing --surname, --email, --date-of-birth")
		u.run(t, "", nil, "me", "--no-such-flag").want(t, 1, "no-such-flag")
	})

	t.Run("sessions", func(t *testing.T) { testCLISessions(t, s) })
}

// storedTokens is the token file prana keeps.
type storedTokens struct {
	AccessToken      string    `json:"access_token"`
	TokenType        string    `json:"token_type"`
	ExpiresAt        time.Time `json:"expires_at"`
	RefreshToken     string    `json:"refresh_token"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
	Email            string    `json:"email"`
	AuthURL          string    `json:"auth_url"`
}

func (u *cliUser) tokens(t *testing.T, s *stack) storedTokens {
	t.Helper()
	info, err := os.Stat(u.tokenFile())
	if err != nil {
		t.Fatalf("no token file: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", info.Mode().Perm())
	}
	b, err := os.ReadFile(u.tokenFile())
	if err != nil {
		t.Fatal(err)
	}
	var tok storedTokens
	if err := json.Unmarshal(b, &tok); err != nil || tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatalf("token file %s (%v)", b, err)
	}
	s.secret(tok.AccessToken, tok.RefreshToken)
	return tok
}

// setAccessToken replaces the stored access token, keeping the refresh token.
func (u *cliUser) setAccessToken(t *testing.T, s *stack, access string, expiresAt time.Time) storedTokens {
	t.Helper()
	tok := u.tokens(t, s)
	tok.AccessToken, tok.ExpiresAt = access, expiresAt
	b, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(u.tokenFile(), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return tok
}

func (u *cliUser) loggedOut(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(u.tokenFile()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("token file still there (%v)", err)
	}
}

// expiredJWT is shaped like an access token whose exp (1) is long past. Its
// signature is not one the stack made: only the clock or the 401 tells prana.
const expiredJWT = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4IiwiZXhwIjoxfQ.c2lnbmF0dXJl"

// refreshStatus is the auth service's answer to POST /api/auth/refresh with
// a refresh token, asked directly.
func refreshStatus(t *testing.T, s *stack, refreshToken string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"refresh_token": refreshToken})
	resp, err := readyClient.Post(s.AuthURL+"/api/auth/refresh", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// testCLISessions is one user's session through prana: login keeps a
// refresh token; an expired access token is refreshed by itself (by the
// clock, or when the server refuses it); logout ends the session on the
// server; a password change ends the other sessions; account delete --yes
// deletes the user, after which the login fails.
func testCLISessions(t *testing.T, s *stack) {
	u := newCLIUser(t, s)
	email := "cli-sessions-" + randomHex(6) + "@example.com"
	pw, pw2 := "pw-"+randomHex(12), "pw2-"+randomHex(12)
	s.secret(pw, pw2)
	r := u.run(t, pw+"\n", nil, "signup", "--name", "Ада", "--surname", "Lovelace", "--email", email,
		"--date-of-birth", "1985-12-10", "--json")
	r.want(t, 0)
	var created struct{ ID string }
	r.decode(t, &created)
	u.run(t, pw+"\n", nil, "login", "--email", email).want(t, 0)
	first := u.tokens(t, s)

	t.Run("an expired access token is refreshed by itself", func(t *testing.T) {
		// By the clock: the stored expiry has passed.
		u.setAccessToken(t, s, expiredJWT, time.Now().Add(-time.Minute))
		r := u.run(t, "", nil, "me", "--json")
		r.want(t, 0)
		var me struct{ ID string }
		r.decode(t, &me)
		if me.ID != created.ID {
			t.Errorf("me after the refresh: %+v, want id %s", me, created.ID)
		}
		second := u.tokens(t, s)
		if second.AccessToken == expiredJWT || second.RefreshToken == first.RefreshToken ||
			!second.ExpiresAt.After(time.Now()) || second.Email != email {
			t.Errorf("token file after the refresh: expires %v, new refresh token %v, email %q",
				second.ExpiresAt, second.RefreshToken != first.RefreshToken, second.Email)
		}

		// By the server: the stored expiry says alive, the pdf service
		// answers 401 invalid_token; prana refreshes and asks again.
		u.setAccessToken(t, s, expiredJWT, time.Now().Add(time.Hour))
		r = u.run(t, "", nil, "pdf", "download", "-o", "-")
		r.want(t, 0)
		if !strings.HasPrefix(r.stdout, "%PDF-") {
			t.Errorf("pdf download after the refresh printed %.40q", r.stdout)
		}
		third := u.tokens(t, s)
		if third.AccessToken == expiredJWT || third.RefreshToken == second.RefreshToken {
			t.Error("the refused access token was not replaced by a refreshed pair")
		}
	})

	t.Run("logout ends the session on the server", func(t *testing.T) {
		live := u.tokens(t, s).RefreshToken
		r := u.run(t, "", nil, "logout")
		r.want(t, 0)
		if !strings.Contains(r.stdout, "Logged out: the session is ended") {
			t.Errorf("logout printed %q", r.stdout)
		}
		u.loggedOut(t)
		if st := refreshStatus(t, s, live); st != 401 {
			t.Errorf("refresh with the logged-out refresh token: %d, want 401", st)
		}
		u.run(t, "", nil, "me").want(t, 2, "not logged in")

		// The auth service unreachable: the file goes all the same, and
		// prana says the session was not ended.
		if err := os.MkdirAll(filepath.Dir(u.tokenFile()), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(u.tokenFile(), []byte(`{"access_token":"x.y.z","token_type":"Bearer",`+
			`"expires_at":"2030-01-01T00:00:00Z","refresh_token":"rt_unsent"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		down := "http://" + freeAddr(t)
		u.run(t, "", nil, "logout", "--auth-url", down).
			want(t, 3, "could not be ended on the server", "cannot reach the auth service at "+down)
		u.loggedOut(t)
	})

	t.Run("password change ends the other sessions", func(t *testing.T) {
		other := newCLIUser(t, s) // the same person on another machine
		u.run(t, "", []string{"PRANA_PASSWORD=" + pw}, "login", "--email", email).want(t, 0)
		other.run(t, "", []string{"PRANA_PASSWORD=" + pw}, "login", "--email", email).want(t, 0)
		other.tokens(t, s)

		r := u.run(t, "wrong-"+randomHex(6)+"\n"+pw2+"\n", nil, "password")
		r.want(t, 2, "The password is incorrect")
		r = u.run(t, pw+"\n"+pw2+"\n", nil, "password")
		r.want(t, 0)
		if !strings.Contains(r.stdout, "Password changed") || strings.Contains(r.stdout+r.stderr, pw2) {
			t.Errorf("password printed %q %q", r.stdout, r.stderr)
		}

		// This session stays, refreshes included; the other one is over.
		u.setAccessToken(t, s, expiredJWT, time.Now().Add(-time.Minute))
		u.run(t, "", nil, "me").want(t, 0)
		other.setAccessToken(t, s, expiredJWT, time.Now().Add(-time.Minute))
		other.run(t, "", nil, "me").want(t, 2, "(HTTP 401)", "prana login")

		other.run(t, "", []string{"PRANA_PASSWORD=" + pw}, "login", "--email", email).
			want(t, 2, "Incorrect email or password")
	})

	t.Run("account delete --yes, then the login fails", func(t *testing.T) {
		u.run(t, pw2+"\n", nil, "account", "delete").want(t, 1, "not confirmed: give --yes")
		u.run(t, "wrong-"+randomHex(6)+"\n", nil, "account", "delete", "--yes").want(t, 2, "The password is incorrect")
		u.run(t, "", nil, "me").want(t, 0)

		r := u.run(t, pw2+"\n", nil, "account", "delete", "--yes")
		r.want(t, 0)
		if !strings.Contains(r.stdout, "Deleted the account "+email) {
			t.Errorf("account delete printed %q", r.stdout)
		}
		u.loggedOut(t)
		u.run(t, "", []string{"PRANA_PASSWORD=" + pw2}, "login", "--email", email).
			want(t, 2, "Incorrect email or password")
	})
}
