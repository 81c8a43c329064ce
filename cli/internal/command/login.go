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
	"prana/cli/internal/tokenstore"
)

var loginCmd = &command{
	name:    "login",
	flags:   "--email EMAIL [--password PW]",
	summary: "Log in and keep the access token in the user's config folder (mode 0600).",
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

var logoutCmd = &command{
	name:    "logout",
	summary: "Forget the stored access token.",
	setup: func(*flag.FlagSet) func(context.Context, *app) error {
		return func(_ context.Context, a *app) error {
			if err := a.tokens.Remove(); err != nil {
				return err
			}
			if a.g.json {
				return a.printJSON(map[string]string{"token_file": a.tokens.Path(), "status": "removed"})
			}
			return nil
		}
	},
}

// loginResult is login's --json output. The token itself stays in the file.
type loginResult struct {
	Email     string    `json:"email"`
	TokenType string    `json:"token_type"`
	ExpiresAt time.Time `json:"expires_at"`
	TokenFile string    `json:"token_file"`
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
	tok := tokenstore.Token{AccessToken: t.AccessToken, TokenType: string(t.TokenType),
		ExpiresAt: a.Now().Add(time.Duration(t.ExpiresIn) * time.Second).UTC().Truncate(time.Second),
		Email:     req.Email, AuthURL: a.g.authURL}
	if err := a.tokens.Save(tok); err != nil {
		return err
	}
	if a.g.json {
		return a.printJSON(loginResult{Email: tok.Email, TokenType: tok.TokenType,
			ExpiresAt: tok.ExpiresAt, TokenFile: a.tokens.Path()})
	}
	_, err = fmt.Fprintf(a.Stdout, "Logged in as %s until %s (token in %s)\n",
		req.Email, tok.ExpiresAt.Local().Format("2006-01-02 15:04"), a.tokens.Path())
	return err
}

// password gets the password from the flag, PRANA_PASSWORD or stdin.
func (a *app) password(flagValue string, confirm bool) (string, error) {
	pw, err := password.Source{Flag: flagValue, Env: a.Getenv("PRANA_PASSWORD"),
		Stdin: a.Stdin, Prompt: a.Stderr}.Read(confirm)
	if errors.Is(err, password.ErrNone) || errors.Is(err, password.ErrMismatch) {
		return "", &failure.UsageError{Msg: err.Error()}
	}
	return pw, err
}
