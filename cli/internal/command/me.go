package command

import (
	"context"
	"flag"
	"fmt"
	"net/http"

	"prana/cli/internal/failure"
)

var meCmd = &command{
	name:    "me",
	summary: "Show the logged-in user's profile.",
	setup: func(*flag.FlagSet) func(context.Context, *app) error {
		return func(ctx context.Context, a *app) error { return a.me(ctx) }
	},
}

func (a *app) me(ctx context.Context) error {
	if _, err := a.storedLogin(ctx); err != nil {
		return err
	}
	c, err := a.authedAuthClient()
	if err != nil {
		return err
	}
	resp, err := c.GetMeWithResponse(ctx)
	if err != nil {
		return callErr("auth", a.g.authURL, err)
	}
	if resp.StatusCode() != http.StatusOK {
		return failure.FromResponse("me", resp.HTTPResponse, resp.Body)
	}
	u := resp.JSON200
	if u == nil {
		return unexpected("me", resp.Status(), resp.Body)
	}
	if a.g.json {
		return a.printJSON(u)
	}
	_, err = fmt.Fprintf(a.Stdout, "id:            %s\nname:          %s\nsurname:       %s\n"+
		"email:         %s\ndate of birth: %s\nsigned up:     %s\n",
		u.Id, u.Name, u.Surname, u.Email, u.DateOfBirth, u.CreatedAt.Local().Format("2006-01-02 15:04:05"))
	return err
}
