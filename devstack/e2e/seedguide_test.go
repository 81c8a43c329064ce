package e2e

// The guide for teams coming from the Python system (README, "Coming from
// the Python system") lists every difference a client of the seed observes.
// This test sends the seed's documented requests, the way its clients send
// them, to Prana in the seed's HS256 mode, and checks each listed
// difference; it also checks that the README lists exactly these, so
// neither can go stale without the other.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	devstack "prana/devstack/stack"
)

// seedDifference is one row of the guide: its label (the README's first
// column) and the check that Prana answers as the row says.
type seedDifference struct {
	label string
	check func(t *testing.T, g *guideRun)
}

// guideRun is one seed-shaped session against the stack: a user signed up
// and logged in with plain JSON, as the seed's clients do.
type guideRun struct {
	s               *stack
	email, password string
	signup, login   map[string]any
	token, userID   string
}

var seedDifferences = []seedDifference{
	{"Taken email", func(t *testing.T, g *guideRun) {
		resp, body := g.post(t, g.s.AuthURL+"/api/auth/signup", "", g.signupBody())
		wantProblem(t, resp, body, http.StatusConflict, "email_taken")
	}},
	{"Error bodies", func(t *testing.T, g *guideRun) {
		resp, body := g.post(t, g.s.AuthURL+"/api/auth/login", "", map[string]string{"email": g.email, "password": "wrong password"})
		p := wantProblem(t, resp, body, http.StatusUnauthorized, "invalid_credentials")
		if p["detail"] != "Incorrect email or password" {
			t.Errorf("login refusal detail %q, want the seed's message", p["detail"])
		}
		resp, body = g.get(t, g.s.PDFURL+"/api/pdf/download", "")
		p = wantProblem(t, resp, body, http.StatusUnauthorized, "")
		if p["detail"] != "Missing or invalid Authorization header" {
			t.Errorf("download without a token: detail %q, want the seed's message", p["detail"])
		}
	}},
	{"Invalid fields", func(t *testing.T, g *guideRun) {
		bad := g.signupBody()
		bad["email"], bad["date_of_birth"] = "not-an-email", "1990-02-30"
		resp, body := g.post(t, g.s.AuthURL+"/api/auth/signup", "", bad)
		p := wantProblem(t, resp, body, http.StatusUnprocessableEntity, "validation_failed")
		errs, _ := p["errors"].([]any)
		if len(errs) != 2 {
			t.Errorf("422 lists %d field errors, want one per bad field (2): %s", len(errs), body)
		}
	}},
	{"Token", func(t *testing.T, g *guideRun) {
		header, claims := jwtParts(t, g.token)
		if header["alg"] != "HS256" {
			t.Errorf("token alg %v in HS256 mode", header["alg"])
		}
		for _, k := range []string{"name", "surname", "email", "date_of_birth", "id", "exp", "sub", "iat", "jti", "sid"} {
			if _, ok := claims[k]; !ok {
				t.Errorf("token lacks claim %s", k)
			}
		}
		for _, k := range []string{"iss", "aud"} {
			if _, ok := claims[k]; ok {
				t.Errorf("HS256 token carries %s, which the seed's pdf service would refuse", k)
			}
		}
	}},
	{"Signup answer", func(t *testing.T, g *guideRun) {
		wantKeys(t, "signup", g.signup, "id", "name", "surname", "email", "date_of_birth", "created_at")
	}},
	{"Login answer", func(t *testing.T, g *guideRun) {
		wantKeys(t, "login", g.login, "access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in")
		if g.login["token_type"] != "Bearer" {
			t.Errorf("token_type %v", g.login["token_type"])
		}
	}},
	{"Upload answer", func(t *testing.T, g *guideRun) {
		resp, body := g.post(t, g.s.PDFURL+"/api/pdf/upload-to-s3", g.token, nil)
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("upload: %d %s", resp.StatusCode, body)
		}
		var up map[string]any
		_ = json.Unmarshal(body, &up)
		wantKeys(t, "upload", up, "status", "user_id", "message", "job_id", "url")
		if up["status"] != "accepted" || up["message"] != "Task queued successfully" {
			t.Errorf("upload answer %s: the seed's fields changed", body)
		}
		if resp.Header.Get("Location") == "" {
			t.Error("upload answer has no Location")
		}
	}},
	{"Download headers", func(t *testing.T, g *guideRun) {
		resp, body := g.get(t, g.s.PDFURL+"/api/pdf/download", g.token)
		if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF")) {
			t.Fatalf("download: %d", resp.StatusCode)
		}
		if cd, want := resp.Header.Get("Content-Disposition"), `attachment; filename="profile_`+g.userID+`.pdf"`; cd != want {
			t.Errorf("Content-Disposition %q, want %q", cd, want)
		}
		if resp.Header.Get("ETag") == "" || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("ETag %q, Cache-Control %q", resp.Header.Get("ETag"), resp.Header.Get("Cache-Control"))
		}
	}},
	{"New endpoints", func(t *testing.T, g *guideRun) {
		for _, u := range []string{g.s.AuthURL + "/api/auth/me", g.s.AuthURL + "/.well-known/jwks.json",
			g.s.AuthURL + "/healthz", g.s.AuthURL + "/readyz", g.s.AuthURL + "/openapi.json", g.s.PDFURL + "/openapi.json",
			g.s.PDFURL + "/healthz", g.s.PDFURL + "/metrics"} {
			if resp, body := g.get(t, u, g.token); resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d %.100s", u, resp.StatusCode, body)
			}
		}
		resp, body := g.post(t, g.s.AuthURL+"/api/auth/refresh", "", map[string]any{"refresh_token": g.login["refresh_token"]})
		if resp.StatusCode != http.StatusOK {
			t.Errorf("refresh: %d %s", resp.StatusCode, body)
		}
	}},
}

func TestSeedClientDifferences(t *testing.T) {
	t.Parallel()
	secret := "seed-guide-secret-" + randomHex(16)
	s := startStack(t, stackOptions{worker: true, env: []string{"ALGORITHM=HS256", "SECRET_KEY=" + secret}})
	s.secret(secret)
	g := &guideRun{s: s, email: "guide-" + randomHex(6) + "@example.com", password: "pw-" + randomHex(12)}
	s.secret(g.password)
	resp, body := g.post(t, s.AuthURL+"/api/auth/signup", "", g.signupBody())
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &g.signup) != nil {
		t.Fatalf("signup: %d %s", resp.StatusCode, body)
	}
	g.userID, _ = g.signup["id"].(string)
	resp, body = g.post(t, s.AuthURL+"/api/auth/login", "", map[string]string{"email": g.email, "password": g.password})
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &g.login) != nil {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	g.token, _ = g.login["access_token"].(string)
	refresh, _ := g.login["refresh_token"].(string)
	s.secret(g.token, refresh)

	for _, d := range seedDifferences {
		t.Run(d.label, func(t *testing.T) { d.check(t, g) })
	}
	if got, want := readmeGuideLabels(t), guideLabels(); !slices.Equal(got, want) {
		t.Errorf("README's guide lists %q, the test checks %q: keep them the same", got, want)
	}
}

func guideLabels() []string {
	out := make([]string, len(seedDifferences))
	for i, d := range seedDifferences {
		out[i] = d.label
	}
	return out
}

// readmeGuideLabels are the first-column cells of the table under the
// README's "Coming from the Python system" heading.
func readmeGuideLabels(t *testing.T) []string {
	t.Helper()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Coming from the Python system\n")
	if !ok {
		t.Fatal(`README has no "## Coming from the Python system" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var labels []string
	for line := range strings.Lines(section) {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.HasPrefix(line, "| ") {
			continue
		}
		label := strings.TrimSpace(cells[1])
		if label == "what" || strings.Trim(label, "-") == "" {
			continue
		}
		labels = append(labels, strings.Trim(label, "*"))
	}
	return labels
}

func (g *guideRun) signupBody() map[string]string {
	return map[string]string{"name": "Іван", "surname": "Петренко", "email": g.email, "date_of_birth": "1990-02-28", "password": g.password}
}

func (g *guideRun) post(t *testing.T, url, token string, body any) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	return g.do(t, http.MethodPost, url, token, r)
}

func (g *guideRun) get(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	return g.do(t, http.MethodGet, url, token, nil)
}

func (g *guideRun) do(t *testing.T, method, url, token string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// wantProblem checks an RFC 9457 answer with the status and (when not "")
// the code, and returns it.
func wantProblem(t *testing.T, resp *http.Response, body []byte, status int, code string) map[string]any {
	t.Helper()
	var p map[string]any
	if resp.StatusCode != status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") || json.Unmarshal(body, &p) != nil {
		t.Fatalf("answer %d %q %s, want %d problem+json", resp.StatusCode, resp.Header.Get("Content-Type"), body, status)
	}
	if _, seedShape := p["detail"].(map[string]any); seedShape {
		t.Errorf("detail is an object, as the seed's was: %s", body)
	}
	for _, k := range []string{"type", "title", "status", "detail", "request_id"} {
		if _, ok := p[k]; !ok {
			t.Errorf("problem lacks %s: %s", k, body)
		}
	}
	if code != "" && p["code"] != code {
		t.Errorf("problem code %v, want %s", p["code"], code)
	}
	return p
}

func wantKeys(t *testing.T, what string, m map[string]any, keys ...string) {
	t.Helper()
	got := make([]string, 0, len(m))
	for k := range m {
		got = append(got, k)
	}
	slices.Sort(got)
	want := slices.Clone(keys)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s answer has %v, want %v", what, got, want)
	}
}

func jwtParts(t *testing.T, token string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(b, dst) != nil {
			t.Fatalf("token part %d: %v", i, err)
		}
	}
	return header, claims
}
