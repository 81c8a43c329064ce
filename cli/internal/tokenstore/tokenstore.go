// Package tokenstore keeps the tokens of `prana login` (the access token and
// the refresh token beside it) in the user's config folder
// (<config>/prana/token.json), readable by that user only: the folder is 0700
// and the file 0600, since each token is a password for as long as it lives.
package tokenstore

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrNoToken means nobody has logged in (or the file was removed).
var ErrNoToken = errors.New("not logged in")

// Token is what login stores, and each refresh replaces. Files written
// before refresh tokens existed have none: they work until the access token
// expires.
type Token struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	ExpiresAt   time.Time `json:"expires_at"`
	// RefreshToken gets a new pair at POST /api/auth/refresh; it is spent
	// by that, so the new one must be saved.
	RefreshToken     string    `json:"refresh_token,omitempty"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at,omitzero"` // when the session ends at the latest
	Email            string    `json:"email,omitempty"`
	AuthURL          string    `json:"auth_url,omitempty"`
}

// Expired reports whether the access token is past its lifetime at now.
func (t Token) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// CanRefresh reports whether the token holds a refresh token that is not
// known to have expired at now (the server has the last word).
func (t Token) CanRefresh(now time.Time) bool {
	return t.RefreshToken != "" && (t.RefreshExpiresAt.IsZero() || now.Before(t.RefreshExpiresAt))
}

// Subject is the token's "sub" claim (the user id), read without checking
// the signature: it only names files, the servers do the checking.
func (t Token) Subject() string {
	parts := strings.Split(t.AccessToken, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct {
		Sub string `json:"sub"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	return claims.Sub
}

// Store is the token file under one config folder.
type Store struct{ dir string }

// New is the store under configDir (normally os.UserConfigDir()).
func New(configDir string) Store { return Store{dir: filepath.Join(configDir, "prana")} }

// Path is the token file's path.
func (s Store) Path() string { return filepath.Join(s.dir, "token.json") }

// Save replaces the stored token. It writes a temporary file (created 0600)
// and renames it, so a reader never sees half a token and the file is never
// readable by others, not even for a moment.
func (s Store) Save(t Token) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	// MkdirAll leaves an existing folder's mode alone; tighten it.
	if err := os.Chmod(s.dir, 0o700); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	f, err := os.CreateTemp(s.dir, ".token-*.json")
	if err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	defer func() { _ = os.Remove(f.Name()) }() // a no-op after the rename
	if _, err := f.Write(append(b, '\n')); err != nil {
		_ = f.Close() // the write error is the one to report
		return fmt.Errorf("save token: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	if err := os.Rename(f.Name(), s.Path()); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	return nil
}

// Load reads the stored token; ErrNoToken when there is none.
func (s Store) Load() (Token, error) {
	b, err := os.ReadFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return Token{}, ErrNoToken
	}
	if err != nil {
		return Token{}, fmt.Errorf("load token: %w", err)
	}
	var t Token
	if err := json.Unmarshal(b, &t); err != nil || t.AccessToken == "" {
		return Token{}, fmt.Errorf("load token: %s is damaged; log in again", s.Path())
	}
	return t, nil
}

// Remove deletes the stored token; no token is not an error.
func (s Store) Remove() error {
	if err := os.Remove(s.Path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove token: %w", err)
	}
	return nil
}
