package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"prana/auth/authclient"
	"prana/cli/internal/failure"
	"prana/cli/internal/tokenstore"
)

// The stored login during one run. Commands that need a token get it from
// storedLogin, which refreshes an access token that has expired; every
// request they send goes through refreshingTransport, which puts the current
// access token on it and, when the server refuses that token, refreshes once
// and sends the request again.

// storedLogin is the stored token, refreshed first when its access token has
// expired; refused before any request when there is no login, or it can no
// longer be refreshed.
func (a *app) storedLogin(ctx context.Context) (tokenstore.Token, error) {
	tok, err := a.tokens.Load()
	switch {
	case errors.Is(err, tokenstore.ErrNoToken):
		return tok, &failure.AuthError{Msg: "not logged in: run prana login first"}
	case err != nil:
		return tok, &failure.AuthError{Msg: err.Error()}
	}
	a.tok = tok
	if tok.Expired(a.Now()) {
		if err := a.refresh(ctx); err != nil {
			return a.tok, err
		}
	}
	return a.tok, nil
}

// refresh exchanges the refresh token for a new pair and saves it: the old
// refresh token is spent, so a new pair that is not saved would end the
// session at the next run.
func (a *app) refresh(ctx context.Context) error {
	// Another prana run may have refreshed since this one read the file. Its
	// pair is the live one; presenting the spent one again later than
	// REFRESH_REUSE_INTERVAL would make the server end the whole session.
	// (Only the same user's: a login as someone else since is not ours.)
	if cur, err := a.tokens.Load(); err == nil && cur.RefreshToken != "" && cur.RefreshToken != a.tok.RefreshToken &&
		cur.Email == a.tok.Email {
		a.tok = cur
		if !cur.Expired(a.Now()) {
			return nil
		}
	}
	tok := a.tok
	if !tok.CanRefresh(a.Now()) {
		at, what := tok.ExpiresAt, "login"
		if tok.RefreshToken != "" {
			at, what = tok.RefreshExpiresAt, "session"
		}
		return &failure.AuthError{Msg: fmt.Sprintf("your %s expired at %s: run prana login again",
			what, at.Local().Format("2006-01-02 15:04:05"))}
	}
	c, err := a.authClient()
	if err != nil {
		return err
	}
	resp, err := c.RefreshWithResponse(ctx, authclient.RefreshRequest{RefreshToken: tok.RefreshToken})
	if err != nil {
		return callErr("auth", a.g.authURL, err)
	}
	switch st := resp.StatusCode(); {
	case st == http.StatusUnauthorized:
		// Expired, revoked (logout, password change elsewhere, reuse) or
		// unknown: only a new login helps.
		return failure.FromResponse("refresh the login", resp.HTTPResponse, resp.Body)
	case st == http.StatusBadRequest || st == http.StatusUnprocessableEntity:
		return &failure.AuthError{Msg: fmt.Sprintf("the stored refresh token is damaged (HTTP %d): run prana login again", st)}
	case st != http.StatusOK:
		return failure.FromResponse("refresh the login", resp.HTTPResponse, resp.Body)
	}
	t := resp.JSON200
	if t == nil || t.AccessToken == "" || t.RefreshToken == "" {
		return unexpected("refresh the login", resp.Status(), resp.Body)
	}
	a.tok = a.newToken(t, tok.Email)
	if err := a.tokens.Save(a.tok); err != nil {
		return fmt.Errorf("the login was refreshed, but %w: run prana login again", err)
	}
	return nil
}

// newToken is what a login or refresh answer is stored as.
func (a *app) newToken(t *authclient.Token, email string) tokenstore.Token {
	now := a.Now()
	tok := tokenstore.Token{AccessToken: t.AccessToken, TokenType: string(t.TokenType),
		ExpiresAt:    now.Add(time.Duration(t.ExpiresIn) * time.Second).UTC().Truncate(time.Second),
		RefreshToken: t.RefreshToken, Email: email, AuthURL: a.g.authURL}
	if t.RefreshToken != "" && t.RefreshExpiresIn > 0 {
		tok.RefreshExpiresAt = now.Add(time.Duration(t.RefreshExpiresIn) * time.Second).UTC().Truncate(time.Second)
	}
	return tok
}

// authedHTTP is the HTTP client for requests that carry the login: a.HTTP
// with refreshingTransport in front of its transport.
func (a *app) authedHTTP() *http.Client {
	c := *a.HTTP
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = &refreshingTransport{a: a, base: base}
	return &c
}

// refreshingTransport sends each request with the current access token.
// When the server refuses the token itself (401 with error="invalid_token",
// RFC 6750: expired, or signed with a key it no longer knows) and the login
// can be refreshed, it refreshes and sends the request once more. Other 401s
// (a wrong password at a password change) are answered as they are.
type refreshingTransport struct {
	a    *app
	base http.RoundTripper
}

func (t *refreshingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(t.withBearer(req))
	if err != nil || !tokenRefused(resp) || t.a.tok.RefreshToken == "" ||
		(req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
		return resp, err
	}
	retry := req.Clone(req.Context())
	if req.GetBody != nil {
		if retry.Body, err = req.GetBody(); err != nil {
			return resp, nil // the first answer stands
		}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // drained for reuse; nothing to report
	resp.Body.Close()
	if err := t.a.refresh(req.Context()); err != nil {
		return nil, &refreshFailed{err}
	}
	return t.base.RoundTrip(t.withBearer(retry))
}

// withBearer is req carrying the current access token (a copy: a
// RoundTripper must not change the request it is given).
func (t *refreshingTransport) withBearer(req *http.Request) *http.Request {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+t.a.tok.AccessToken)
	return r
}

// tokenRefused reports a 401 that refuses the access token itself.
func tokenRefused(resp *http.Response) bool {
	if resp.StatusCode != http.StatusUnauthorized {
		return false
	}
	for _, v := range resp.Header.Values("Www-Authenticate") {
		if strings.Contains(strings.ToLower(v), `error="invalid_token"`) {
			return true
		}
	}
	return false
}

// refreshFailed carries a failed refresh out of the HTTP client, which wraps
// what a transport returns in a *url.Error; callErr unwraps it again, so the
// failure keeps its own exit code rather than counting as no answer.
type refreshFailed struct{ err error }

func (e *refreshFailed) Error() string { return e.err.Error() }

func (e *refreshFailed) Unwrap() error { return e.err }
