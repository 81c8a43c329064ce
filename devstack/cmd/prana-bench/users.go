package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// cheapHashing is the hashing auth uses while the benchmark makes its users: the smallest cost auth accepts, so
// that thousands of users take seconds. Figures about hashing restart auth with the real parameters.
var cheapHashing = []string{"ARGON2_MEMORY_KIB=8192", "ARGON2_ITERATIONS=1", "ARGON2_PARALLELISM=1"}

// benchPassword is every benchmark user's password.
const benchPassword = "correct horse battery staple"

// user is one signed-up user and a token from a real login.
type user struct {
	ID, Email, Token string
}

// email is the address of the i-th user of a group. The database is private to the run, so these never clash.
func email(group string, i int) string {
	return fmt.Sprintf("%s-%d@bench.example.com", group, i)
}

// signupBody is a signup request for an address.
func signupBody(addr string) []byte {
	b, _ := json.Marshal(map[string]string{ // cannot fail: strings only
		"name": "Іван", "surname": "Петренко", "email": addr, "date_of_birth": "1990-02-28", "password": benchPassword,
	})
	return b
}

// loginBody is a login request for an address.
func loginBody(addr string) []byte {
	b, _ := json.Marshal(map[string]string{"email": addr, "password": benchPassword}) // cannot fail
	return b
}

// makeUsers signs up and logs in set.users users, ten at a time, for the pdf figures.
func (b *bench) makeUsers(ctx context.Context) error {
	b.step("signing up and logging in %d users", b.set.users)
	users := make([]user, b.set.users)
	err := forEach(ctx, indices(len(users)), 10, func(c *http.Client, i int) error {
		u, err := b.signupAndLogin(ctx, c, email("user", i))
		users[i] = u
		return err
	})
	if err != nil {
		return err
	}
	b.users = users
	return nil
}

func (b *bench) signupAndLogin(ctx context.Context, client *http.Client, addr string) (user, error) {
	var created struct{ ID string }
	if err := postJSON(ctx, client, b.sys.AuthURL+"/api/auth/signup", signupBody(addr), http.StatusCreated, &created); err != nil {
		return user{}, fmt.Errorf("signup: %w", err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := postJSON(ctx, client, b.sys.AuthURL+"/api/auth/login", loginBody(addr), http.StatusOK, &tok); err != nil {
		return user{}, fmt.Errorf("login: %w", err)
	}
	return user{ID: created.ID, Email: addr, Token: tok.AccessToken}, nil
}

// errBusy marks a 503 answer: the service asks to be tried again later.
var errBusy = errors.New("busy")

// postJSON posts body and decodes the answer into out, which must come with status want.
func postJSON(ctx context.Context, client *http.Client, url string, body []byte, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		err := fmt.Errorf("POST %s: %s, want %d: %.300s", url, resp.Status, want, buf.String())
		if resp.StatusCode == http.StatusServiceUnavailable {
			err = fmt.Errorf("%w: %w", errBusy, err)
		}
		return err
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
