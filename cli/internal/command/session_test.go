package command

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"prana/cli/internal/failure"
	"prana/cli/internal/tokenstore"
)

// fakeAuth is the auth service's session endpoints, as the spec has them:
// access and refresh tokens it issued (the refresh token spent by its use),
// one user with a password.
type fakeAuth struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	password string
	access   map[string]bool // access tokens it accepts
	refresh  map[string]bool // refresh tokens not yet spent or revoked
	issued   int
	deleted  bool
	calls    []string          // "METHOD /path [bearer]" in order
	bodies   map[string]string // the last body per "METHOD /path"
	refuseMe bool              // GET /me refuses every token, even new ones
}

func newFakeAuth(t *testing.T) *fakeAuth {
	t.Helper()
	f := &fakeAuth{t: t, password: "old pass", access: map[string]bool{}, refresh: map[string]bool{},
		bodies: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// session is a login the server knows: a live access and refresh token.
func (f *fakeAuth) session() (access, refresh string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.issue()
}

func (f *fakeAuth) issue() (access, refresh string) {
	f.issued++
	access, refresh = fmt.Sprintf("h.access%d.s", f.issued), fmt.Sprintf("rt_%d", f.issued)
	f.access[access], f.refresh[refresh] = true, true
	return access, refresh
}

func (f *fakeAuth) log() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeAuth) count(call string) int {
	n := 0
	for _, c := range f.log() {
		if strings.HasPrefix(c, call) {
			n++
		}
	}
	return n
}

// state is the user's password, whether the account is gone, and whether
// refresh is a live refresh token.
func (f *fakeAuth) state(refresh string) (password string, deleted, live bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.password, f.deleted, f.refresh[refresh]
}

func (f *fakeAuth) body(call string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bodies[call]
}

func (f *fakeAuth) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	op := r.Method + " " + r.URL.Path
	b, _ := io.ReadAll(r.Body)
	f.bodies[op] = string(b)
	bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.calls = append(f.calls, strings.TrimSpace(op+" "+bearer))
	var body struct {
		Password        string `json:"password"`
		RefreshToken    string `json:"refresh_token"`
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	_ = json.Unmarshal(b, &body)
	tokenOK := f.access[bearer] && !f.deleted
	switch op {
	case "POST /api/auth/login":
		if body.Password != f.password || f.deleted {
			problem(w, 401, "invalid_credentials", "Incorrect email or password", `Bearer realm="prana"`)
			return
		}
		f.pair(w)
	case "POST /api/auth/refresh":
		if !f.refresh[body.RefreshToken] {
			problem(w, 401, "invalid_refresh_token", "The refresh token is invalid, expired or revoked. Log in again.",
				`Bearer realm="prana", error="invalid_token"`)
			return
		}
		delete(f.refresh, body.RefreshToken)
		f.pair(w)
	case "POST /api/auth/logout":
		delete(f.refresh, body.RefreshToken)
		w.WriteHeader(http.StatusNoContent)
	case "GET /api/auth/me":
		if !tokenOK || f.refuseMe {
			problem(w, 401, "unauthorized", "Token has expired", `Bearer realm="prana", error="invalid_token"`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"`+jobID+`","name":"Ann","surname":"Lee","email":"ann@example.com",
			"date_of_birth":"1990-01-01","created_at":"2026-01-01T00:00:00Z"}`)
	case "POST /api/auth/password", "DELETE /api/auth/me":
		current := body.CurrentPassword
		if r.Method == http.MethodDelete {
			current = body.Password
		}
		switch {
		case !tokenOK:
			problem(w, 401, "unauthorized", "Token has expired", `Bearer realm="prana", error="invalid_token"`)
		case current != f.password:
			problem(w, 401, "wrong_password", "The password is incorrect.", `Bearer realm="prana"`)
		case r.Method == http.MethodDelete:
			f.deleted = true
			clear(f.refresh)
			w.WriteHeader(http.StatusNoContent)
		default:
			f.password = body.NewPassword
			w.WriteHeader(http.StatusNoContent)
		}
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeAuth) pair(w http.ResponseWriter) {
	access, refresh := f.issue()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600,"refresh_token":%q,"refresh_expires_in":2592000}`,
		access, refresh)
}

func problem(w http.ResponseWriter, status int, code, detail, challenge string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("WWW-Authenticate", challenge)
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"type":"about:blank","title":%q,"status":%d,"detail":%q,"code":%q,"request_id":"req-7"}`,
		http.StatusText(status), status, detail, code)
}

// withToken is a config folder holding tok.
func withToken(t *testing.T, tok tokenstore.Token) string {
	t.Helper()
	dir := t.TempDir()
	if err := tokenstore.New(dir).Save(tok); err != nil {
		t.Fatal(err)
	}
	return dir
}

func load(t *testing.T, dir string) tokenstore.Token {
	t.Helper()
	tok, err := tokenstore.New(dir).Load()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

var (
	past   = time.Now().Add(-time.Minute)
	future = time.Now().Add(time.Hour)
	month  = time.Now().Add(30 * 24 * time.Hour)
)

func TestLoginKeepsTheRefreshToken(t *testing.T) {
	t.Parallel()
	f := newFakeAuth(t)
	dir := t.TempDir()
	r := runCLI(t, dir, nil, "old pass\n", "login", "--email", "ann@example.com", "--auth-url", f.srv.URL, "--json")
	r.want(t, failure.OK)
	tok := load(t, dir)
	if tok.AccessToken != "h.access1.s" || tok.RefreshToken != "rt_1" || tok.Email != "ann@example.com" {
		t.Errorf("stored %+v", tok)
	}
	if d := time.Until(tok.RefreshExpiresAt); d < 29*24*time.Hour || d > 31*24*time.Hour {
		t.Errorf("refresh_expires_at %v, want in 30 days", tok.RefreshExpiresAt)
	}
	info, err := os.Stat(tokenstore.New(dir).Path())
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("token file: %v %v, want mode 0600", info.Mode(), err)
	}
	raw, _ := os.ReadFile(tokenstore.New(dir).Path())
	if !strings.Contains(string(raw), `"refresh_token": "rt_1"`) || !strings.Contains(string(raw), `"refresh_expires_at"`) {
		t.Errorf("token file:\n%s", raw)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out["refresh_expires_at"] == nil {
		t.Errorf("login --json printed %q", r.stdout)
	}
	if strings.Contains(r.stdout+r.stderr, "rt_1") || strings.Contains(r.stdout+r.stderr, "access1") {
		t.Errorf("login printed a token: %q %q", r.stdout, r.stderr)
	}
}

func TestExpiredAccessTokenIsRefreshedFirst(t *testing.T) {
	t.Parallel()
	f := newFakeAuth(t)
	_, refresh := f.session()
	dir := withToken(t, tokenstore.Token{AccessToken: "h.expired.s", TokenType: "Bearer", ExpiresAt: past,
		RefreshToken: refresh, RefreshExpiresAt: month, Email: "ann@example.com"})
	runCLI(t, dir, nil, "", "me", "--auth-url", f.srv.URL).want(t, failure.OK)

	want := []string{"POST /api/auth/refresh", "GET /api/auth/me h.access2.s"}
	if got := f.log(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests %q, want %q (the expired token is never sent)", got, want)
	}
	tok := load(t, dir)
	if tok.AccessToken != "h.access2.s" || tok.RefreshToken != "rt_2" || !tok.ExpiresAt.After(time.Now()) ||
		tok.Email != "ann@example.com" {
		t.Errorf("saved %+v, want the new pair", tok)
	}
	if info, err := os.Stat(tokenstore.New(dir).Path()); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("token file after refresh: %v", err)
	}
}

// TestRefusedTokenIsRefreshedAndRetriedOnce: the server refuses an access
// token the clock thought alive; the request is sent again, body and all.
func TestRefusedTokenIsRefreshedAndRetriedOnce(t *testing.T) {
	t.Parallel()
	f := newFakeAuth(t)
	_, refresh := f.session()
	dir := withToken(t, tokenstore.Token{AccessToken: "h.unknown.s", ExpiresAt: future,
		RefreshToken: refresh, RefreshExpiresAt: month})
	env := map[string]string{"PRANA_PASSWORD": "old pass", "PRANA_NEW_PASSWORD": "new pass"}
	runCLI(t, dir, env, "", "password", "--auth-url", f.srv.URL).want(t, failure.OK)
	want := []string{"POST /api/auth/password h.unknown.s", "POST /api/auth/refresh", "POST /api/auth/password h.access2.s"}
	if got := f.log(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests %q, want %q", got, want)
	}
	if got := f.body("POST /api/auth/password"); got != `{"current_password":"old pass","new_password":"new pass"}` {
		t.Errorf("the retried request sent %s", got)
	}
	if tok := load(t, dir); tok.RefreshToken != "rt_2" {
		t.Errorf("saved %+v", tok)
	}

	// A server that refuses even the new token: one refresh, then the 401.
	f2 := newFakeAuth(t)
	_, refresh = f2.session()
	f2.mu.Lock()
	f2.refuseMe = true
	f2.mu.Unlock()
	dir = withToken(t, tokenstore.Token{AccessToken: "h.unknown.s", ExpiresAt: future, RefreshToken: refresh})
	runCLI(t, dir, nil, "", "me", "--auth-url", f2.srv.URL).want(t, failure.Auth, "Token has expired", "prana login")
	if n := f2.count("POST /api/auth/refresh"); n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
}

func TestRefusedRefreshMeansLogInAgain(t *testing.T) {
	t.Parallel()
	f := newFakeAuth(t)
	for _, tc := range []struct {
		name      string
		tok       tokenstore.Token
		stderrHas []string
		refreshes int
	}{
		{"expired access, revoked refresh token",
			tokenstore.Token{AccessToken: "h.expired.s", ExpiresAt: past, RefreshToken: "rt_revoked"},
			[]string{"(HTTP 401)", "The refresh token is invalid, expired or revoked", "prana login", "request id: req-7"}, 1},
		{"refused access, revoked refresh token",
			tokenstore.Token{AccessToken: "h.unknown.s", ExpiresAt: future, RefreshToken: "rt_revoked"},
			[]string{"(HTTP 401)", "prana login"}, 1},
		{"session past its end",
			tokenstore.Token{AccessToken: "h.expired.s", ExpiresAt: past, RefreshToken: "rt_x", RefreshExpiresAt: past},
			[]string{"your session expired at", "run prana login again"}, 0},
		{"a file from before refresh tokens",
			tokenstore.Token{AccessToken: "h.expired.s", ExpiresAt: past},
			[]string{"your login expired at", "run prana login again"}, 0},
	} {
		before := f.count("POST /api/auth/refresh")
		runCLI(t, withToken(t, tc.tok), nil, "", "me", "--auth-url", f.srv.URL).want(t, failure.Auth, tc.stderrHas...)
		if n := f.count("POST /api/auth/refresh") - before; n != tc.refreshes {
			t.Errorf("%s: %d refreshes, want %d", tc.name, n, tc.refreshes)
		}
	}
	if n := f.count("GET /api/auth/me h.expired.s"); n != 0 {
		t.Errorf("an expired access token was sent %d times", n)
	}
}

func TestRefreshFailuresKeepTheirExitCodes(t *testing.T) {
	t.Parallel()
	tok := tokenstore.Token{AccessToken: "h.expired.s", ExpiresAt: past, RefreshToken: "rt_1"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3")
		problem(w, 503, "unavailable", "The database is unreachable right now.", "")
	}))
	t.Cleanup(srv.Close)
	runCLI(t, withToken(t, tok), nil, "", "me", "--auth-url", srv.URL).want(t, failure.Server, "(HTTP 503)", "try again in 3 s")

	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	runCLI(t, withToken(t, tok), nil, "", "me", "--auth-url", down.URL).want(t, failure.Server, "cannot reach the auth service")

	// The 401 → refresh path, where the refresh's failure comes out of the
	// HTTP client wrapped: still no answer (3), not a bad request.
	stale := tokenstore.Token{AccessToken: "h.unknown.s", ExpiresAt: future, RefreshToken: "rt_1"}
	refuseThenDown := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/auth/refresh" {
			problem(w, 422, "validation_failed", "The request has invalid fields.", "")
			return
		}
		problem(w, 401, "unauthorized", "Invalid token", `Bearer realm="prana", error="invalid_token"`)
	}))
	t.Cleanup(refuseThenDown.Close)
	runCLI(t, withToken(t, stale), nil, "", "me", "--auth-url", refuseThenDown.URL).
		want(t, failure.Auth, "the stored refresh token is damaged (HTTP 422): run prana login again")
}

// TestAnotherRunRefreshedFirst: a long run (pdf upload --wait) holds a pair
// that a shorter run has since rotated; it takes the saved pair rather than
// present a spent refresh token, which would end the session.
func TestAnotherRunRefreshedFirst(t *testing.T) {
	t.Parallel()
	f := newFakeAuth(t)
	access, refresh := f.session()
	dir := withToken(t, tokenstore.Token{AccessToken: access, ExpiresAt: future, RefreshToken: refresh,
		Email: "ann@example.com"})
	a := newApp(Env{ConfigDir: dir})
	a.g.authURL = f.srv.URL
	a.tok = tokenstore.Token{AccessToken: "h.old.s", ExpiresAt: past, RefreshToken: "rt_spent", Email: "ann@example.com"}
	if err := a.refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if a.tok.AccessToken != access || len(f.log()) != 0 {
		t.Errorf("took %+v after requests %q, want the saved pair and no request", a.tok, f.log())
	}

	// Someone else's login since: not ours to take; ours is refreshed (and
	// refused here, being spent).
	a.tok = tokenstore.Token{AccessToken: "h.old.s", ExpiresAt: past, RefreshToken: "rt_spent", Email: "bob@example.com"}
	if err := a.refresh(t.Context()); failure.Code(err) != failure.Auth || a.tok.Email != "bob@example.com" {
		t.Errorf("refresh with another user's file saved: %v, %+v", err, a.tok)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	f := newFakeAuth(t)
	access, refresh := f.session()
	dir := withToken(t, tokenstore.Token{AccessToken: access, ExpiresAt: past, RefreshToken: refresh})
	r := runCLI(t, dir, nil, "", "logout", "--auth-url", f.srv.URL, "--json")
	r.want(t, failure.OK)
	if f.body("POST /api/auth/logout") != `{"refresh_token":"`+refresh+`"}` {
		t.Errorf("logout sent %s", f.body("POST /api/auth/logout"))
	}
	if _, err := tokenstore.New(dir).Load(); err != tokenstore.ErrNoToken {
		t.Errorf("token file after logout: %v", err)
	}
	if want := `{"token_file":"` + tokenstore.New(dir).Path() + `","status":"removed","revoked":true}` + "\n"; r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	if _, _, live := f.state(refresh); live {
		t.Error("the session lives on at the server")
	}

	// Not logged in, or a file without a refresh token: nothing to send.
	runCLI(t, t.TempDir(), nil, "", "logout", "--auth-url", f.srv.URL).want(t, failure.OK)
	old := withToken(t, tokenstore.Token{AccessToken: "h.p.s", ExpiresAt: future})
	runCLI(t, old, nil, "", "logout", "--auth-url", f.srv.URL).want(t, failure.OK)
	if n := f.count("POST /api/auth/logout"); n != 1 {
		t.Errorf("%d logout requests, want 1", n)
	}
	if _, err := tokenstore.New(old).Load(); err != tokenstore.ErrNoToken {
		t.Errorf("token file after logout: %v", err)
	}
}

func TestLogoutWithTheServerDownStillRemovesTheFile(t *testing.T) {
	t.Parallel()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	dir := withToken(t, tokenstore.Token{AccessToken: "h.p.s", ExpiresAt: future, RefreshToken: "rt_1"})
	r := runCLI(t, dir, nil, "", "logout", "--auth-url", down.URL)
	r.want(t, failure.Server, "removed "+tokenstore.New(dir).Path(),
		"could not be ended on the server", "cannot reach the auth service at "+down.URL)
	if _, err := tokenstore.New(dir).Load(); err != tokenstore.ErrNoToken {
		t.Errorf("token file after logout: %v", err)
	}
}

func TestPassword(t *testing.T) {
	t.Parallel()
	f := newFakeAuth(t)
	login := func() string {
		access, refresh := f.session()
		return withToken(t, tokenstore.Token{AccessToken: access, ExpiresAt: future, RefreshToken: refresh})
	}

	// Piped: the current password, then the new one.
	r := runCLI(t, login(), nil, "old pass\nnew pass 1\n", "password", "--auth-url", f.srv.URL)
	r.want(t, failure.OK)
	if !strings.Contains(r.stdout, "Password changed") {
		t.Errorf("stdout %q", r.stdout)
	}
	if got := f.body("POST /api/auth/password"); got != `{"current_password":"old pass","new_password":"new pass 1"}` {
		t.Errorf("sent %s", got)
	}
	if strings.Contains(r.stdout+r.stderr, "old pass") || strings.Contains(r.stdout+r.stderr, "new pass") {
		t.Errorf("a password was printed: %q %q", r.stdout, r.stderr)
	}

	// The current one from PRANA_PASSWORD, the new one piped.
	runCLI(t, login(), map[string]string{"PRANA_PASSWORD": "new pass 1"}, "new pass 2\n",
		"password", "--auth-url", f.srv.URL, "--json").want(t, failure.OK)
	if pw, _, _ := f.state(""); pw != "new pass 2" {
		t.Errorf("password is %q", pw)
	}

	// A wrong current password: 401, but not a reason to log in again.
	r = runCLI(t, login(), nil, "wrong\nnew pass 3\n", "password", "--auth-url", f.srv.URL)
	r.want(t, failure.Auth, "(HTTP 401)", "The password is incorrect.", "request id: req-7")
	if strings.Contains(r.stderr, "prana login") {
		t.Errorf("a wrong password suggests logging in again:\n%s", r.stderr)
	}
	if n := f.count("POST /api/auth/refresh"); n != 0 {
		t.Errorf("a wrong password led to %d refreshes", n)
	}

	before := len(f.log())
	runCLI(t, login(), nil, "only one line\n", "password", "--auth-url", f.srv.URL).want(t, failure.Usage, "no new password")
	runCLI(t, login(), nil, "", "password", "--auth-url", f.srv.URL).want(t, failure.Usage, "no current password")
	runCLI(t, login(), nil, "", "password", "--password", "x").want(t, failure.Usage, "flag provided but not defined: -password")
	runCLI(t, t.TempDir(), nil, "a\nb\n", "password", "--auth-url", f.srv.URL).want(t, failure.Auth, "not logged in")
	if after := len(f.log()); after != before {
		t.Errorf("%d requests for runs that should not ask the server", after-before)
	}
}

func TestAccountDelete(t *testing.T) {
	t.Parallel()
	f := newFakeAuth(t)
	access, refresh := f.session()
	dir := withToken(t, tokenstore.Token{AccessToken: access, ExpiresAt: future, RefreshToken: refresh,
		Email: "ann@example.com"})

	// Piped stdin is nobody to ask: --yes is needed.
	runCLI(t, dir, nil, "yes\nold pass\n", "account", "delete", "--auth-url", f.srv.URL).
		want(t, failure.Usage, "not confirmed: give --yes")
	// A wrong password deletes nothing and keeps the login.
	runCLI(t, dir, nil, "wrong\n", "account", "delete", "--yes", "--auth-url", f.srv.URL).
		want(t, failure.Auth, "The password is incorrect.")
	if _, deleted, _ := f.state(""); deleted || f.count("DELETE /api/auth/me") != 1 {
		t.Fatalf("deleted %v after %q", deleted, f.log())
	}
	load(t, dir)

	r := runCLI(t, dir, nil, "old pass\n", "account", "delete", "--yes", "--auth-url", f.srv.URL, "--json")
	r.want(t, failure.OK)
	if _, deleted, live := f.state(refresh); !deleted || live || f.body("DELETE /api/auth/me") != `{"password":"old pass"}` {
		t.Errorf("deleted %v, session live %v, body %s", deleted, live, f.body("DELETE /api/auth/me"))
	}
	if _, err := tokenstore.New(dir).Load(); err != tokenstore.ErrNoToken {
		t.Errorf("token file after the deletion: %v", err)
	}
	var out deleteResult
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Status != "deleted" || out.Email != "ann@example.com" {
		t.Errorf("stdout %q", r.stdout)
	}
	runCLI(t, dir, nil, "old pass\n", "account", "delete", "--yes").want(t, failure.Auth, "not logged in")
	runCLI(t, dir, nil, "", "account").want(t, failure.Usage, "account needs a command: delete")
	runCLI(t, dir, nil, "", "account", "delete", "--password", "x").want(t, failure.Usage, "not defined: -password")
}

// TestPDFRequestsRefreshToo: the pdf service refuses the token; the login is
// refreshed at the auth service and the pdf request sent again.
func TestPDFRequestsRefreshToo(t *testing.T) {
	t.Parallel()
	f := newFakeAuth(t)
	_, refresh := f.session()
	var seen []string
	pdf := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		if r.Header.Get("Authorization") != "Bearer h.access2.s" {
			problem(w, 401, "unauthorized", "Token has expired", `Bearer realm="prana", error="invalid_token"`)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		io.WriteString(w, "%PDF-1.7 fake")
	}))
	t.Cleanup(pdf.Close)
	dir := withToken(t, tokenstore.Token{AccessToken: "h.unknown.s", ExpiresAt: future, RefreshToken: refresh})
	r := runCLI(t, dir, nil, "", "pdf", "download", "-o", "-", "--auth-url", f.srv.URL, "--pdf-url", pdf.URL)
	r.want(t, failure.OK)
	if r.stdout != "%PDF-1.7 fake" || strings.Join(seen, ",") != "Bearer h.unknown.s,Bearer h.access2.s" {
		t.Errorf("stdout %q after requests %q", r.stdout, seen)
	}
}
