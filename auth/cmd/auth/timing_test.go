package main

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"prana/auth/authclient"
)

// TestFailuresTakeTheSameTime: response time must not tell which emails
// are registered. Over 200 logins each, an unknown email and a wrong
// password have medians within 10% of each other; so do signups with a
// taken and a free email (the taken one hashes too before its 409).
//
// A security property, so a relative comparison of times: the two kinds
// alternate (ABBA), so that load from elsewhere on the machine hits both
// alike, and a failed comparison is measured once more before it fails.
// The real binary (no race detector) on a real PostgreSQL, with cheaper
// hash parameters than production so that it fits in seconds; the hash
// still dominates each answer, as in production. Not parallel.
func TestFailuresTakeTheSameTime(t *testing.T) {
	c := startChild(t, "ARGON2_MEMORY_KIB=8192", "ARGON2_ITERATIONS=1",
		"LOGIN_RATE_PER_IP=0", "LOGIN_RATE_PER_IP_EMAIL=0", "LOGIN_RATE_PER_EMAIL=0")
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	post := func(path string, body any, want int) func() {
		return func() {
			resp, err := client.Post(c.base+path, "application/json", jsonBody(t, body))
			if err != nil {
				t.Fatal(err)
			}
			drain(resp)
			if resp.StatusCode != want {
				t.Fatalf("POST %s: status %d, want %d", path, resp.StatusCode, want)
			}
		}
	}
	known := validSignup(uniqueEmail("timing-known"))
	post("/api/auth/signup", known, http.StatusCreated)()

	wrongPassword := post("/api/auth/login", authclient.LoginRequest{Email: known.Email, Password: "wrong-" + secretMarker}, http.StatusUnauthorized)
	unknownEmail := post("/api/auth/login", authclient.LoginRequest{Email: "nobody@example.com", Password: "wrong-" + secretMarker}, http.StatusUnauthorized)
	takenEmail := post("/api/auth/signup", known, http.StatusConflict)
	n := 0
	freeEmail := func() {
		n++
		post("/api/auth/signup", validSignup(fmt.Sprintf("timing-free-%d@example.com", n)), http.StatusCreated)()
	}

	for range 10 { // warm up connections, caches and query plans alike
		wrongPassword()
		unknownEmail()
		takenEmail()
		freeEmail()
	}
	compareMedians(t, "login: wrong password vs unknown email", 200, wrongPassword, unknownEmail)
	compareMedians(t, "signup: taken vs free email", 200, takenEmail, freeEmail)
}

// compareMedians times a and b n times each, interleaved, and fails when
// their medians differ by more than 10%, twice in a row.
func compareMedians(t *testing.T, what string, n int, a, b func()) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		var ta, tb []time.Duration
		for i := range n {
			first, second := a, b
			if i%2 == 1 {
				first, second = b, a
			}
			d1, d2 := timed(first), timed(second)
			if i%2 == 1 {
				d1, d2 = d2, d1
			}
			ta, tb = append(ta, d1), append(tb, d2)
		}
		ma, mb := median(ta), median(tb)
		diff := float64(ma-mb) / float64(max(ma, mb))
		t.Logf("%s: medians %v and %v over %d each (%+.1f%%)", what, ma, mb, n, 100*diff)
		if diff >= -0.10 && diff <= 0.10 {
			return
		}
		if attempt == 2 {
			t.Errorf("%s: medians %v and %v differ by more than 10%%: timing tells whether an email is registered", what, ma, mb)
			return
		}
	}
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
