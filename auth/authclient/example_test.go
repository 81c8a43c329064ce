package authclient_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"time"

	"prana/auth/authclient"
)

// Log in, then read the caller's profile with the token. This is the
// example of the README's "Go SDK and CLI" section; it compiles in CI.
func Example() {
	ctx := context.Background()
	c, err := authclient.NewClientWithResponses("http://localhost:8001",
		authclient.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}))
	if err != nil {
		log.Fatal(err)
	}
	login, err := c.LoginWithResponse(ctx, authclient.LoginRequest{
		Email: "ivan@example.com", Password: "correct horse",
	})
	if err != nil {
		log.Fatal(err) // no answer: refused, timed out
	}
	if p := login.ApplicationproblemJSON401; p != nil {
		log.Fatalf("login refused: %s", p.Detail) // an RFC 9457 problem document
	}
	if login.JSON200 == nil {
		log.Fatalf("login: %s %s", login.Status(), login.Body)
	}
	token := login.JSON200.AccessToken

	me, err := c.GetMeWithResponse(ctx, func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	if me.JSON200 == nil {
		log.Fatalf("me: %s %s", me.Status(), me.Body)
	}
	fmt.Println(me.JSON200.Name, me.JSON200.Surname, me.JSON200.Email)
}

// Keep a session going: when the access token has expired, spend the
// refresh token for a new pair, and keep the new refresh token (the old one
// is spent). Log out at the end: the session's refresh tokens stop working.
func Example_refresh() {
	ctx := context.Background()
	c, err := authclient.NewClientWithResponses("http://localhost:8001")
	if err != nil {
		log.Fatal(err)
	}
	login, err := c.LoginWithResponse(ctx, authclient.LoginRequest{Email: "ivan@example.com", Password: "correct horse"})
	if err != nil || login.JSON200 == nil {
		log.Fatalf("login: %v", err)
	}
	pair := *login.JSON200
	// … later, once pair.ExpiresIn seconds have passed:
	next, err := c.RefreshWithResponse(ctx, authclient.RefreshRequest{RefreshToken: pair.RefreshToken})
	if err != nil {
		log.Fatal(err)
	}
	if next.ApplicationproblemJSON401 != nil {
		log.Fatal("the session has ended: log in again") // expired, revoked, or the token was reused
	}
	pair = *next.JSON200
	if _, err := c.LogoutWithResponse(ctx, authclient.RefreshRequest{RefreshToken: pair.RefreshToken}); err != nil {
		log.Fatal(err)
	}
}
