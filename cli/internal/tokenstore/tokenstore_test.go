package tokenstore_test

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"prana/cli/internal/tokenstore"
)

func TestSaveKeepsTheTokenForTheUserOnly(t *testing.T) {
	t.Parallel()
	config := t.TempDir()
	// A folder someone made world-readable before the first login.
	if err := os.Mkdir(filepath.Join(config, "prana"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := tokenstore.New(config)
	want := tokenstore.Token{AccessToken: "a.b.c", TokenType: "Bearer",
		ExpiresAt: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), RefreshToken: "rt_secret",
		RefreshExpiresAt: time.Date(2030, 2, 1, 3, 4, 5, 0, time.UTC), Email: "ivan@example.com"}
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	if s.Path() != filepath.Join(config, "prana", "token.json") {
		t.Errorf("Path() = %s", s.Path())
	}
	assertMode(t, s.Path(), 0o600)
	assertMode(t, filepath.Dir(s.Path()), 0o700)
	got, err := s.Load()
	if err != nil || got != want {
		t.Fatalf("Load() = %+v, %v; want %+v", got, err, want)
	}
	entries, _ := os.ReadDir(filepath.Dir(s.Path()))
	if len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only token.json (no temporary files left)", len(entries))
	}
}

func TestSaveCreatesTheFolders(t *testing.T) {
	t.Parallel()
	s := tokenstore.New(filepath.Join(t.TempDir(), "deep", "config"))
	if err := s.Save(tokenstore.Token{AccessToken: "x"}); err != nil {
		t.Fatal(err)
	}
	assertMode(t, s.Path(), 0o600)
	assertMode(t, filepath.Dir(s.Path()), 0o700)
}

func TestLoadWithoutLoginAndRemove(t *testing.T) {
	t.Parallel()
	s := tokenstore.New(t.TempDir())
	if _, err := s.Load(); !errors.Is(err, tokenstore.ErrNoToken) {
		t.Fatalf("Load() before login: %v, want ErrNoToken", err)
	}
	if err := s.Save(tokenstore.Token{AccessToken: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(); !errors.Is(err, tokenstore.ErrNoToken) {
		t.Fatalf("Load() after Remove: %v, want ErrNoToken", err)
	}
	if err := s.Remove(); err != nil {
		t.Errorf("second Remove: %v", err)
	}
}

func TestLoadDamagedFile(t *testing.T) {
	t.Parallel()
	s := tokenstore.New(t.TempDir())
	if err := os.MkdirAll(filepath.Dir(s.Path()), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{"{not json", `{"token_type":"Bearer"}`} {
		if err := os.WriteFile(s.Path(), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Load(); err == nil || errors.Is(err, tokenstore.ErrNoToken) {
			t.Errorf("Load(%q) = %v, want a damaged-file error", content, err)
		}
	}
}

func TestExpired(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tok := tokenstore.Token{ExpiresAt: at}
	if tok.Expired(at.Add(-time.Second)) {
		t.Error("expired a second early")
	}
	if !tok.Expired(at) || !tok.Expired(at.Add(time.Hour)) {
		t.Error("not expired at or after its time")
	}
	if (tokenstore.Token{}).Expired(at) {
		t.Error("a token without a known lifetime counts as expired; the server decides")
	}
}

func TestCanRefresh(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		tok  tokenstore.Token
		want bool
	}{
		{tokenstore.Token{RefreshToken: "rt", RefreshExpiresAt: at.Add(time.Second)}, true},
		{tokenstore.Token{RefreshToken: "rt"}, true}, // no known end: the server decides
		{tokenstore.Token{RefreshToken: "rt", RefreshExpiresAt: at}, false},
		{tokenstore.Token{RefreshExpiresAt: at.Add(time.Hour)}, false}, // a file from before refresh tokens
	} {
		if got := tc.tok.CanRefresh(at); got != tc.want {
			t.Errorf("%+v.CanRefresh() = %v, want %v", tc.tok, got, tc.want)
		}
	}
}

func TestOldFilesStillLoad(t *testing.T) {
	t.Parallel()
	s := tokenstore.New(t.TempDir())
	if err := os.MkdirAll(filepath.Dir(s.Path()), 0o700); err != nil {
		t.Fatal(err)
	}
	old := `{"access_token":"a.b.c","token_type":"Bearer","expires_at":"2030-01-01T00:00:00Z"}`
	if err := os.WriteFile(s.Path(), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	tok, err := s.Load()
	if err != nil || tok.AccessToken != "a.b.c" || tok.RefreshToken != "" || !tok.RefreshExpiresAt.IsZero() {
		t.Errorf("Load() = %+v, %v", tok, err)
	}
	if err := s.Save(tokenstore.Token{AccessToken: "x"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(s.Path()); strings.Contains(string(b), "refresh") {
		t.Errorf("a token without a refresh token is saved with refresh fields:\n%s", b)
	}
}

func TestSubject(t *testing.T) {
	t.Parallel()
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"0192e4c5-7a8b","exp":1}`))
	for token, want := range map[string]string{
		"eyJhbGciOiJFZERTQSJ9." + payload + ".sig": "0192e4c5-7a8b",
		"not-a-jwt": "",
		"a.!!!.c":   "",
		"a." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c": "",
	} {
		if got := (tokenstore.Token{AccessToken: token}).Subject(); got != want {
			t.Errorf("Subject(%q) = %q, want %q", token, got, want)
		}
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %v, want %v", path, got, want)
	}
}
