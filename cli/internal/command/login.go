package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"time"

	"prana/auth/authclient"
	"prana/cli/internal/failure"
	"prana/cli/internal/password"
)

var loginCmd = &command{
	name:    "login",
	flags:   "--email EMAIL [--password PW]",
	summary: "Log in and keep the tokens in the user's config folder (mode 0600).",
	details: passwordHelp,
	setup: func(fs *flag.FlagSet) func(context.Context, *app) error {
		var req authclient.LoginRequest
		var pw string
		fs.StringVar(&req.Email, "email", "", "your `EMAIL` address")
		fs.StringVar(&pw, "password", "", "the password `PW` (see above for safer ways)")
		return func(ctx context.Context, a *app) error {
			if err := required("email", req.Email); err != nil {
				return err
			}
			var err error
			if req.Password, err = a.password(pw, false); err != nil {
				return err
			}
			return a.login(ctx, req)
		}
	},
}

// loginResult is login's --json output. The tokens themselves stay in the file.
type loginResult struct {
	Email            string    `json:"email"`
	TokenType        string    `json:"token_type"`
	ExpiresAt        time.Time `json:"expires_at"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at,omitzero"`
	TokenFile        string    `json:"token_file"`
}

func (a *app) login(ctx context.Context, req authclient.LoginRequest) error {
	c, err := a.authClient()
	if err != nil {
		return err
	}
	resp, err := c.LoginWithResponse(ctx, req)
	if err != nil {
		return callErr("auth", a.g.authURL, err)
	}
	if resp.StatusCode() != http.StatusOK {
		return failure.FromResponse("login", resp.HTTPResponse, resp.Body)
	}
	t := resp.JSON200
	if t == nil || t.AccessToken == "" {
		return unexpected("login", resp.Status(), resp.Body)
	}
	tok := a.newToken(t, req.Email)
	if err := a.tokens.Save(tok); err != nil {
		return err
	}
	if a.g.json {
		return a.printJSON(loginResult{Email: tok.Email, TokenType: tok.TokenType, ExpiresAt: tok.ExpiresAt,
			RefreshExpiresAt: tok.RefreshExpiresAt, TokenFile: a.tokens.Path()})
	}
	if tok.RefreshExpiresAt.IsZero() { // a server without refresh tokens
		_, err = fmt.Fprintf(a.Stdout, "Logged in as %s until %s (token in %s)\n",
			req.Email, tok.ExpiresAt.Local().Format("2006-01-02 15:04"), a.tokens.Path())
		return err
	}
	// The access token is refreshed as needed until the session ends.
	_, err = fmt.Fprintf(a.Stdout, "Logged in as %s; the session ends by %s at the latest (tokens in %s)\n",
		req.Email, tok.RefreshExpiresAt.Local().Format("2006-01-02 15:04"), a.tokens.Path())
	return err
}

// password gets the password from the flag, PRANA_PASSWORD or stdin.
func (a *app) password(flagValue string, confirm bool) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	return a.readPassword("PRANA_PASSWORD", "Password: ", confirm, password.ErrNone.Error())
}

// readPassword is the value of the environment variable env, else the next
// answer on stdin (see password.Input); none is a usage error saying
// noneMsg.
func (a *app) readPassword(env, prompt string, confirm bool, noneMsg string) (string, error) {
	pw, err := a.in.Password(a.Getenv(env), prompt, confirm)
	switch {
	case errors.Is(err, password.ErrNone):
		return "", &failure.UsageError{Msg: noneMsg}
	case errors.Is(err, password.ErrMismatch):
		return "", &failure.UsageError{Msg: err.Error()}
	}
	return pw, err
}
