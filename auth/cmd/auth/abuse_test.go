package main

// Floods and slow clients against the real wiring on a real PostgreSQL.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caarlos0/env/v11"

	"prana/auth/internal/config"
	"prana/testkit/slowclient"
	"prana/testkit/specvalidate"
)

// clientFrom is an HTTP client whose connections leave from the loopback
// address ip (Linux routes all of 127.0.0.0/8 to loopback), so one test
// can play clients on many addresses without trusting X-Forwarded-For.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{
		Timeout:   60 * time.Second,
		Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true},
	}
}

// answer is a response with its body read.
type answer struct {
	resp *http.Response
	body []byte
}

// postLogin sends a login from client and reads the answer.
func postLogin(client *http.Client, base, email, password string) (answer, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := client.Post(base+"/api/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return answer{resp, data}, err
}

// TestAttackerCannotLockOutAVictim: an attacker failing logins for the
// victim's email from many addresses is stopped per address, and the
// victim, from an address of their own, still logs in. With the shipped
// limits; a limit on the email alone (the old design, 10 a minute) would
// have locked the victim out after the attacker's tenth failure. On the
// real binary: the race detector would make hundreds of hashes outlast the
// limiter's one-minute window.
func TestAttackerCannotLockOutAVictim(t *testing.T) {
	t.Parallel()
	c := startChild(t, "ARGON2_MEMORY_KIB=8192", "ARGON2_ITERATIONS=1") // cheap: hundreds of hashes
	shipped := shippedLimits(t)
	victim := validSignup(uniqueEmail("victim"))
	resp, err := clientFrom("127.0.0.1").Post(c.base+"/api/auth/signup", "application/json", jsonBody(t, victim))
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("signup: %v %v", err, resp)
	}
	drain(resp)

	const addresses = 20
	pairLimit, perAddress := shipped.LoginPerIPEmailPerMinute, shipped.LoginPerIPEmailPerMinute+2
	if addresses*pairLimit >= shipped.LoginPerEmailPerMinute || perAddress > shipped.LoginPerIPPerMinute {
		t.Fatalf("limits %+v: the flood below would not test what it claims", shipped)
	}
	var wg sync.WaitGroup
	for a := range addresses {
		wg.Go(func() {
			client := clientFrom(fmt.Sprintf("127.0.0.%d", 10+a))
			for i := range perAddress {
				got, err := postLogin(client, c.base, victim.Email, "guess-"+secretMarker+fmt.Sprint(i))
				if err != nil {
					t.Errorf("attacker %d, attempt %d: %v", a, i+1, err)
					return
				}
				want := http.StatusUnauthorized
				if i >= pairLimit {
					want = http.StatusTooManyRequests
				}
				if got.resp.StatusCode != want {
					t.Errorf("attacker %d, attempt %d: status %d, want %d", a, i+1, got.resp.StatusCode, want)
				}
				if want == http.StatusTooManyRequests {
					checkRetryAfter(t, got.resp, 60)
				}
				problemBody(t, got)
			}
		})
	}
	wg.Wait()

	got, err := postLogin(clientFrom("127.0.0.200"), c.base, victim.Email, victim.Password)
	if err != nil {
		t.Fatal(err)
	}
	if got.resp.StatusCode != http.StatusOK {
		t.Fatalf("the victim after %d failures from %d other addresses: status %d, want 200\n%s",
			addresses*perAddress, addresses, got.resp.StatusCode, got.body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(got.body, &tok)
	suite.Secret(tok.AccessToken)
}

// shippedLimits is the default configuration's login limits (testConfig
// turns them off so that other tests cannot trip them by accident).
func shippedLimits(t *testing.T) config.Config {
	t.Helper()
	var d config.Config
	if err := env.ParseWithOptions(&d, env.Options{Environment: map[string]string{}}); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSlowClientsAreCutOff: a header sent a byte at a time and a body that
// never ends lose their connection once the configured timeouts pass,
// while the service keeps answering everyone else.
func TestSlowClientsAreCutOff(t *testing.T) {
	t.Parallel()
	const header, read = 500 * time.Millisecond, 1500 * time.Millisecond
	s := newService(t, func(c *config.Config) {
		c.HTTP.ReadHeader, c.HTTP.Read = header, read
		c.Argon2MemoryKiB, c.Argon2Iterations = 8*1024, 1
	})
	addr := strings.TrimPrefix(s.base, "http://")
	// Generous slack: the bound is what matters (a server without
	// timeouts keeps them for good), not the speed.
	const slack = 3 * time.Second

	type outcome struct {
		what  string
		limit time.Duration
		res   slowclient.Result
		err   error
	}
	results := make(chan outcome, 20)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			r, err := slowclient.Header(addr, 50*time.Millisecond)
			results <- outcome{"header sent byte by byte", header, r, err}
		})
		wg.Go(func() {
			r, err := slowclient.Body(addr, "/api/auth/login", 50*time.Millisecond)
			results <- outcome{"body that never ends", read, r, err}
		})
	}
	// Meanwhile others are served.
	time.Sleep(header / 2)
	for range 3 {
		if resp, _ := s.do(t, http.MethodGet, "/healthz", "", nil, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("/healthz while slow clients hold connections: %d", resp.StatusCode)
		}
	}
	s.mustSignup(t, validSignup(uniqueEmail("while-slow")))
	wg.Wait()
	close(results)
	slowest := map[string]slowclient.Result{}
	for o := range results {
		if o.res.After > slowest[o.what].After {
			slowest[o.what] = o.res
		}
		switch {
		case o.err != nil:
			t.Errorf("%s: %v", o.what, o.err)
		case o.res.After > o.limit+slack:
			t.Errorf("%s: cut off after %v, want within %v + %v", o.what, o.res.After, o.limit, slack)
		case o.res.Status != "" && !strings.Contains(o.res.Status, " 408 ") && !strings.Contains(o.res.Status, " 400 "):
			t.Errorf("%s: answered %q, want a 408 or 400 before the close, or a plain close", o.what, o.res.Status)
		}
	}
	t.Logf("slowest cut-offs: %+v", slowest)
}

// problemBody checks a problem answer the generic way (any route).
func problemBody(t *testing.T, a answer) {
	t.Helper()
	if err := specvalidate.CheckProblem(a.resp, a.body); err != nil {
		t.Errorf("%d answer is not a proper problem document: %v\n%s", a.resp.StatusCode, err, a.body)
	}
}

// jsonBody encodes v as a request body.
func jsonBody(t *testing.T, v any) io.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}
