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
	"prana/shared/pdftest"
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
// wrong, each with its exit code and the server's explanation on stderr.
func TestCLI(t *testing.T) {
	t.Parallel()
	s := startStack(t, stackOptions{worker: true})
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
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if json.Unmarshal(b, &tok) != nil || tok.AccessToken == "" {
			t.Fatalf("token file holds no access_token: %s", b)
		}
		s.secret(tok.AccessToken)
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
}
