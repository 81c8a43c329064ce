package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/argon2"

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

	// Issue 15, finding 8: a user adopted from the seed whose hash still has
	// the seed's parameters (m=100 MiB, t=2, p=8; about five times the cost
	// of the current m=19 MiB, t=2, p=1) made a wrong password cost about
	// five times an unknown email. Scaled down like the current parameters
	// above, keeping the seed's shape (t=2, p=8) and the ratio of five.
	insertSeedUser(t, c.dsn, "timing-seed@example.com", legacyHash(t, seedPassword, 20*1024, 2, 8))
	seedWrongPassword := post("/api/auth/login", authclient.LoginRequest{Email: "timing-seed@example.com", Password: "wrong-" + secretMarker}, http.StatusUnauthorized)
	for range 3 {
		seedWrongPassword()
		wrongPassword()
		unknownEmail()
	}
	compareMediansOf(t, "login with a seed hash in the table", 150, []namedCall{
		{"unknown email", unknownEmail}, {"wrong password, seed hash", seedWrongPassword}, {"wrong password, current hash", wrongPassword},
	})
}

// legacyHash is an argon2id PHC string of password with other parameters
// than the service's current ones, as passlib writes them.
func legacyHash(t *testing.T, password string, memoryKiB, iterations uint32, lanes uint8) string {
	t.Helper()
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, iterations, memoryKiB, lanes, 16)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", memoryKiB, iterations, lanes, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// insertSeedUser adds a user as the seed left it: a hash with the seed's
// kind of parameters, never upgraded.
func insertSeedUser(t *testing.T, dsn, email, hash string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), `INSERT INTO users (id, name, surname, email, email_key, date_of_birth, password)
		VALUES (gen_random_uuid(), 'Seed', 'User', $1::text, $1::text, '1985-07-14', $2)`, email, hash); err != nil {
		t.Fatalf("insert seed user: %v", err)
	}
}

type namedCall struct {
	name string
	call func()
}

// compareMedians times a and b n times each, interleaved, and fails when
// their medians differ by more than 10%, twice in a row.
func compareMedians(t *testing.T, what string, n int, a, b func()) {
	t.Helper()
	compareMediansOf(t, what, n, []namedCall{{"first", a}, {"second", b}})
}

// compareMediansOf times each call n times, interleaved in an order that
// rotates every round (so that load from elsewhere hits each alike), and
// fails when the slowest and fastest medians differ by more than 10%,
// three times in a row. A leak is systematic and fails every attempt (the
// seed-hash leak measured 81%); a burst of load from other test packages
// sharing the two cores spoils one attempt, rarely three.
func compareMediansOf(t *testing.T, what string, n int, calls []namedCall) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		times := make([][]time.Duration, len(calls))
		for i := range n {
			for j := range calls {
				k := (i + j) % len(calls)
				times[k] = append(times[k], timed(calls[k].call))
			}
		}
		medians := make([]time.Duration, len(calls))
		var report []string
		for k := range calls {
			medians[k] = median(times[k])
			report = append(report, fmt.Sprintf("%s %v", calls[k].name, medians[k]))
		}
		lo, hi := slices.Min(medians), slices.Max(medians)
		diff := float64(hi-lo) / float64(hi)
		t.Logf("%s: medians over %d each: %s (spread %.1f%%)", what, n, strings.Join(report, ", "), 100*diff)
		if diff <= 0.10 {
			return
		}
		if attempt == 3 {
			t.Errorf("%s: medians %s differ by more than 10%%: timing tells whether an email is registered", what, strings.Join(report, ", "))
			return
		}
	}
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
