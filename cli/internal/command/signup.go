package command

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"strings"

	"prana/auth/authclient"
	"prana/cli/internal/failure"
)

var signupCmd = &command{
	name:    "signup",
	flags:   "--name NAME --surname SURNAME --email EMAIL --date-of-birth YYYY-MM-DD [--password PW]",
	summary: "Create an account.",
	details: passwordHelp,
	setup: func(fs *flag.FlagSet) func(context.Context, *app) error {
		var req authclient.SignupRequest
		var pw string
		fs.StringVar(&req.Name, "name", "", "your first `NAME` (any script)")
		fs.StringVar(&req.Surname, "surname", "", "your `SURNAME`")
		fs.StringVar(&req.Email, "email", "", "your `EMAIL` address (also the login)")
		fs.StringVar(&req.DateOfBirth, "date-of-birth", "", "your date of birth, `YYYY-MM-DD`")
		fs.StringVar(&pw, "password", "", "the password `PW`, 8 to 256 characters (see above for safer ways)")
		return func(ctx context.Context, a *app) error {
			if err := required("name", req.Name, "surname", req.Surname,
				"email", req.Email, "date-of-birth", req.DateOfBirth); err != nil {
				return err
			}
			var err error
			if req.Password, err = a.password(pw, true); err != nil {
				return err
			}
			return a.signup(ctx, req)
		}
	},
}

// passwordHelp is shared by signup and login.
const passwordHelp = `The password comes from --password, else from PRANA_PASSWORD, else from standard
input: typed at a prompt that does not echo it, or the first line of piped input.
`

func (a *app) signup(ctx context.Context, req authclient.SignupRequest) error {
	c, err := a.authClient()
	if err != nil {
		return err
	}
	resp, err := c.SignupWithResponse(ctx, req)
	if err != nil {
		return callErr("auth", a.g.authURL, err)
	}
	if resp.StatusCode() != http.StatusCreated {
		return failure.FromResponse("signup", resp.HTTPResponse, resp.Body)
	}
	u := resp.JSON201
	if u == nil {
		return unexpected("signup", resp.Status(), resp.Body)
	}
	if a.g.json {
		return a.printJSON(u)
	}
	_, err = fmt.Fprintf(a.Stdout, "Signed up %s %s <%s> (id %s). Next: prana login --email %s\n",
		u.Name, u.Surname, u.Email, u.Id, u.Email)
	return err
}

// required fails when any flag of the name, value pairs is empty, naming
// every missing one at once.
func required(pairs ...string) error {
	var missing []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			missing = append(missing, "--"+pairs[i])
		}
	}
	if len(missing) > 0 {
		return failure.Usagef("missing %s", strings.Join(missing, ", "))
	}
	return nil
}
