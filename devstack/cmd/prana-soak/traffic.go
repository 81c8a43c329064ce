package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"prana/devstack/loadgen"
	"prana/devstack/stack"
)

// password is every soak user's password.
const password = "correct horse battery staple"

// user is one signed-up account and a token from a real login.
type user struct{ email, token string }

func signupBody(email string) []byte {
	b, _ := json.Marshal(map[string]string{ // cannot fail: strings only
		"name": "Іван", "surname": "Петренко", "email": email, "date_of_birth": "1990-02-28", "password": password,
	})
	return b
}

func loginBody(email string) []byte {
	b, _ := json.Marshal(map[string]string{"email": email, "password": password}) // cannot fail
	return b
}

// makeUsers signs up and logs in n users before the soak starts.
func makeUsers(ctx context.Context, authURL string, n int) ([]user, error) {
	fmt.Printf("prana-soak: signing up and logging in %d users\n", n)
	client := loadgen.NewClient(4, 30*time.Second)
	users := make([]user, n)
	for i := range users {
		u := user{email: fmt.Sprintf("soak-user-%d@soak.example.com", i)}
		if err := post(ctx, client, authURL+"/api/auth/signup", signupBody(u.email), http.StatusCreated, nil); err != nil {
			return nil, fmt.Errorf("signup: %w", err)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := post(ctx, client, authURL+"/api/auth/login", loginBody(u.email), http.StatusOK, &tok); err != nil {
			return nil, fmt.Errorf("login: %w", err)
		}
		u.token = tok.AccessToken
		users[i] = u
	}
	return users, nil
}

func post(ctx context.Context, client *http.Client, url string, body []byte, want int, out any) error {
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
		return fmt.Errorf("%s: status %d, want %d", url, resp.StatusCode, want)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}

// endpoint is one kind of request in the mix, with the statuses that count as success.
type endpoint struct {
	name    string
	workers int
	ok      []int
	req     loadgen.Request
}

// mix is the traffic: mostly downloads, as users mostly read; uploads, logins and a trickle of signups. Each
// endpoint has workers of its own, so each gets its own latency figures.
func mix(sys *stack.System, users []user) []endpoint {
	runID := time.Now().UnixNano()
	pick := func(w, i int) user { return users[(w*7919+i)%len(users)] }
	return []endpoint{
		{"GET /api/pdf/download", 3, []int{http.StatusOK}, func(w, i int) (*http.Request, error) {
			return authorized(http.MethodGet, sys.PDFURL+"/api/pdf/download", pick(w, i).token)
		}},
		// 429: the user made UPLOAD_RATE_PER_USER uploads this minute already,
		// as a worker cycling through the users does.
		{"POST /api/pdf/upload-to-s3", 1, []int{http.StatusAccepted, http.StatusTooManyRequests}, func(w, i int) (*http.Request, error) {
			return authorized(http.MethodPost, sys.PDFURL+"/api/pdf/upload-to-s3", pick(w, i).token)
		}},
		{"POST /api/auth/login", 2, []int{http.StatusOK}, func(w, i int) (*http.Request, error) {
			return jsonRequest(sys.AuthURL+"/api/auth/login", loginBody(pick(w, i).email))
		}},
		{"POST /api/auth/signup", 1, []int{http.StatusCreated}, func(w, i int) (*http.Request, error) {
			return jsonRequest(sys.AuthURL+"/api/auth/signup", signupBody(fmt.Sprintf("soak-%d-%d-%d@soak.example.com", runID, w, i)))
		}},
	}
}

func authorized(method, url, token string) (*http.Request, error) {
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+token)
	return r, nil
}

func jsonRequest(url string, body []byte) (*http.Request, error) {
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json")
	return r, nil
}

// result is what one endpoint measured over the soak.
type result struct {
	endpoint
	*loadgen.Result
}

// soak runs the mix for d, sampling each process's memory and goroutines ten times along the way.
func soak(ctx context.Context, sys *stack.System, users []user, d time.Duration) ([]result, []sample, error) {
	eps := mix(sys, users)
	results := make([]result, len(eps))
	errs := make([]error, len(eps))
	var wg sync.WaitGroup
	for i, ep := range eps {
		wg.Go(func() {
			r, err := loadgen.Run(ctx, loadgen.Config{Workers: ep.workers, Duration: d}, ep.req)
			results[i], errs[i] = result{ep, r}, err
		})
	}
	var samples []sample
	tick := time.NewTicker(d / 10)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for waiting := true; waiting; {
		select {
		case <-tick.C:
			samples = append(samples, snapshot(ctx, sys))
		case <-done:
			waiting = false
		}
	}
	tick.Stop()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return results, samples, nil
}
