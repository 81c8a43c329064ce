package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"strings"

	"prana/auth/authclient"
	"prana/cli/internal/failure"
	"prana/cli/internal/password"
	"prana/cli/internal/tokenstore"
)

var logoutCmd = &command{
	name:    "logout",
	summary: "End the session on the server and remove the stored tokens.",
	details: `The refresh token is revoked at the auth service, so no refresh token of this login
works any more. An access token already issued stays valid until it expires
(ACCESS_TOKEN_EXPIRE_MINUTES, 60 by default): access tokens are not stored anywhere.
The token file is removed even when the auth service cannot be reached; prana then
says that the session was not ended on the server, and exits 3.
`,
	setup: func(*flag.FlagSet) func(context.Context, *app) error {
		return func(ctx context.Context, a *app) error { return a.logout(ctx) }
	},
}

// logoutResult is logout's --json output.
type logoutResult struct {
	TokenFile string `json:"token_file"`
	Status    string `json:"status"`  // "removed"
	Revoked   bool   `json:"revoked"` // the server ended the session (false: there was none to end)
}

func (a *app) logout(ctx context.Context) error {
	tok, loadErr := a.tokens.Load()
	var revokeErr error
	if loadErr == nil && tok.RefreshToken != "" {
		revokeErr = a.revoke(ctx, tok.RefreshToken)
	}
	if errors.Is(revokeErr, context.Canceled) {
		return revokeErr // interrupted: leave everything as it was
	}
	// A damaged file holds nothing to revoke: it goes too.
	if err := a.tokens.Remove(); err != nil {
		return err
	}
	if revokeErr != nil {
		fmt.Fprintf(a.Stderr, "prana logout: removed %s, but the session could not be ended on the server: "+
			"its refresh token stays valid until it expires\n", a.tokens.Path())
		return revokeErr
	}
	revoked := loadErr == nil && tok.RefreshToken != ""
	if a.g.json {
		return a.printJSON(logoutResult{TokenFile: a.tokens.Path(), Status: "removed", Revoked: revoked})
	}
	var err error
	switch {
	case revoked:
		_, err = fmt.Fprintf(a.Stdout, "Logged out: the session is ended and %s is removed\n", a.tokens.Path())
	case errors.Is(loadErr, tokenstore.ErrNoToken):
		_, err = fmt.Fprintln(a.Stdout, "Not logged in: nothing to do")
	default:
		_, err = fmt.Fprintf(a.Stdout, "Logged out: %s is removed\n", a.tokens.Path())
	}
	return err
}

// revoke ends the session the refresh token belongs to.
func (a *app) revoke(ctx context.Context, refreshToken string) error {
	c, err := a.authClient()
	if err != nil {
		return err
	}
	resp, err := c.LogoutWithResponse(ctx, authclient.RefreshRequest{RefreshToken: refreshToken})
	if err != nil {
		return callErr("auth", a.g.authURL, err)
	}
	if resp.StatusCode() != http.StatusNoContent {
		return failure.FromResponse("logout", resp.HTTPResponse, resp.Body)
	}
	return nil
}

var passwordCmd = &command{
	name:    "password",
	summary: "Change your password; your other sessions are ended.",
	details: `The current password comes from PRANA_PASSWORD and the new one from PRANA_NEW_PASSWORD;
else each from standard input: typed at a prompt that does not echo it (the new one
twice), or piped, the current password on the first line and the new one on the
second. Never from the command line, where other users could see them.
This login stays; every other login of the account is ended. A wrong current
password counts as a failed login (exit 2; too many are rate limited, exit 3).
`,
	setup: func(*flag.FlagSet) func(context.Context, *app) error {
		return func(ctx context.Context, a *app) error { return a.changePassword(ctx) }
	},
}

func (a *app) changePassword(ctx context.Context) error {
	if _, err := a.storedLogin(ctx); err != nil {
		return err
	}
	var req authclient.PasswordChangeRequest
	var err error
	if req.CurrentPassword, err = a.readPassword("PRANA_PASSWORD", "Current password: ", false,
		"no current password: set PRANA_PASSWORD, or type or pipe it on standard input"); err != nil {
		return err
	}
	if req.NewPassword, err = a.readPassword("PRANA_NEW_PASSWORD", "New password: ", true,
		"no new password: set PRANA_NEW_PASSWORD, or type it, or pipe it as the second line of standard input"); err != nil {
		return err
	}
	c, err := a.authedAuthClient()
	if err != nil {
		return err
	}
	resp, err := c.ChangePasswordWithResponse(ctx, req)
	if err != nil {
		return callErr("auth", a.g.authURL, err)
	}
	if resp.StatusCode() != http.StatusNoContent {
		return failure.FromResponse("password", resp.HTTPResponse, resp.Body)
	}
	if a.g.json {
		return a.printJSON(map[string]string{"status": "changed"})
	}
	_, err = fmt.Fprintln(a.Stdout, "Password changed. Your other sessions are ended; this one stays.")
	return err
}

var accountDeleteCmd = &command{
	name:    "account delete",
	flags:   "[--yes]",
	summary: "Delete your account and everything stored about you.",
	details: `It asks you to confirm, unless --yes is given (needed when standard input is not a
terminal), then asks for your password: PRANA_PASSWORD, else typed at a prompt that
does not echo it, else the first line of piped input. Never from the command line.
The user and all its sessions are deleted at once; its profile PDF and upload records
are deleted from S3 shortly after. This cannot be undone. The token file is removed.
`,
	setup: func(fs *flag.FlagSet) func(context.Context, *app) error {
		var yes bool
		fs.BoolVar(&yes, "yes", false, "do not ask for confirmation")
		return func(ctx context.Context, a *app) error { return a.deleteAccount(ctx, yes) }
	},
}

// deleteResult is account delete's --json output.
type deleteResult struct {
	Status    string `json:"status"` // "deleted"
	Email     string `json:"email,omitempty"`
	TokenFile string `json:"token_file"` // removed
}

func (a *app) deleteAccount(ctx context.Context, yes bool) error {
	tok, err := a.storedLogin(ctx)
	if err != nil {
		return err
	}
	who := "your account"
	if tok.Email != "" {
		who = "the account " + tok.Email
	}
	if !yes {
		if !a.in.Interactive() {
			return failure.Usagef("not confirmed: give --yes (standard input is not a terminal to ask at)")
		}
		answer, err := a.in.Line(fmt.Sprintf("Delete %s and everything stored about it? "+
			"This cannot be undone. Type yes to go on: ", who))
		if err != nil && !errors.Is(err, password.ErrNone) {
			return err
		}
		if !strings.EqualFold(strings.TrimSpace(answer), "yes") {
			return failure.Usagef("not confirmed: nothing was deleted")
		}
	}
	pw, err := a.readPassword("PRANA_PASSWORD", "Password: ", false,
		"no password: set PRANA_PASSWORD, or type or pipe it on standard input")
	if err != nil {
		return err
	}
	c, err := a.authedAuthClient()
	if err != nil {
		return err
	}
	resp, err := c.DeleteMeWithResponse(ctx, authclient.DeleteAccountRequest{Password: pw})
	if err != nil {
		return callErr("auth", a.g.authURL, err)
	}
	if resp.StatusCode() != http.StatusNoContent {
		return failure.FromResponse("account delete", resp.HTTPResponse, resp.Body)
	}
	if err := a.tokens.Remove(); err != nil {
		return fmt.Errorf("the account is deleted, but: %w", err)
	}
	if a.g.json {
		return a.printJSON(deleteResult{Status: "deleted", Email: tok.Email, TokenFile: a.tokens.Path()})
	}
	_, err = fmt.Fprintf(a.Stdout, "Deleted %s. Its profile PDF and upload records are deleted from S3 shortly; "+
		"%s is removed.\n", who, a.tokens.Path())
	return err
}
