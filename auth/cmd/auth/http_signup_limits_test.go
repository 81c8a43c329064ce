package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"prana/auth/authclient"
	"prana/auth/internal/config"
)

// from sets X-Forwarded-For on a generated client's request.
func from(addr string) authclient.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("X-Forwarded-For", addr)
		return nil
	}
}

// behindProxy trusts the test client's own address as a proxy.
func behindProxy(c *config.Config) { c.TrustedProxies = []string{"127.0.0.1/32"} }

// expectSignup signs up a new user and checks the status; on 429 it checks
// the problem document and its Retry-After too.
func (s *service) expectSignup(t *testing.T, want int, edit ...authclient.RequestEditorFn) {
	t.Helper()
	s.expectSignupOf(t, uniqueEmail("limits"), want, edit...)
}

func (s *service) expectSignupOf(t *testing.T, email string, want int, edit ...authclient.RequestEditorFn) {
	t.Helper()
	resp := s.signup(t, validSignup(email), edit...)
	if resp.StatusCode() != want {
		t.Fatalf("signup %s: status %d, want %d; body %s", email, resp.StatusCode(), want, resp.Body)
	}
	if want == http.StatusTooManyRequests {
		if p := problemOf(t, want, resp.HTTPResponse, resp.Body); p.Code != "rate_limited" {
			t.Errorf("code %q, want rate_limited", p.Code)
		}
		checkRetryAfter(t, resp.HTTPResponse, 60)
	}
}

// TestSignupLimitPerAddress: signups from one address beyond the limit get
// 429 with Retry-After, whatever email they try.
func TestSignupLimitPerAddress(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) { c.SignupPerIPPerMinute = 3 })
	for range 3 {
		s.expectSignup(t, http.StatusCreated)
	}
	s.expectSignup(t, http.StatusTooManyRequests)
}

// TestSignupLimitPerEmail: trying one email again and again (its 409 tells
// that it is registered) is limited, in any letter case.
func TestSignupLimitPerEmail(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) { c.SignupPerEmailPerMinute = 2 })
	s.expectSignupOf(t, "probe@example.com", http.StatusCreated)
	s.expectSignupOf(t, "PROBE@example.com", http.StatusConflict)
	s.expectSignupOf(t, "Probe@Example.com", http.StatusTooManyRequests)
	s.expectSignup(t, http.StatusCreated) // another email is not affected
}

// TestSignupLimitKeysIPv6ByNetwork: a client rotating through the
// addresses of its /64 is still one client; another /64 is another.
func TestSignupLimitKeysIPv6ByNetwork(t *testing.T) {
	t.Parallel()
	s := newService(t, behindProxy, func(c *config.Config) { c.SignupPerIPPerMinute = 2 })
	s.expectSignup(t, http.StatusCreated, from("2001:db8:1:2::1"))
	s.expectSignup(t, http.StatusCreated, from("2001:db8:1:2:aaaa::2"))
	s.expectSignup(t, http.StatusTooManyRequests, from("2001:db8:1:2:ffff:ffff:ffff:ffff"))
	s.expectSignup(t, http.StatusCreated, from("2001:db8:1:3::1"))
}

// TestSignupLimitPerRange: many /64s of one /48, or many addresses of one
// IPv4 /24, share the range limit.
func TestSignupLimitPerRange(t *testing.T) {
	t.Parallel()
	s := newService(t, behindProxy, func(c *config.Config) { c.SignupPerRangePerMinute = 2 })
	for _, ips := range [][3]string{
		{"2001:db8:7:1::1", "2001:db8:7:2::1", "2001:db8:7:3::1"},
		{"198.51.100.1", "198.51.100.2", "198.51.100.3"},
	} {
		s.expectSignup(t, http.StatusCreated, from(ips[0]))
		s.expectSignup(t, http.StatusCreated, from(ips[1]))
		s.expectSignup(t, http.StatusTooManyRequests, from(ips[2]))
	}
	s.expectSignup(t, http.StatusCreated, from("2001:db8:8::1"))
	s.expectSignup(t, http.StatusCreated, from("198.51.101.1"))
}

// TestTrustedProxyKeysClientsApart: behind a trusted proxy, two clients
// are limited separately; a peer that is not trusted is limited by its own
// address whatever X-Forwarded-For it sends.
func TestTrustedProxyKeysClientsApart(t *testing.T) {
	t.Parallel()
	s := newService(t, behindProxy, func(c *config.Config) { c.LoginPerIPPerMinute = 2 })
	login := func(edit authclient.RequestEditorFn) int {
		resp, err := s.client.LoginWithResponse(context.Background(), authclient.LoginRequest{Email: uniqueEmail("nobody"), Password: "wrong-" + secretMarker}, edit)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode()
	}
	for i, want := range []int{http.StatusUnauthorized, http.StatusUnauthorized, http.StatusTooManyRequests} {
		if st := login(from("203.0.113.1")); st != want {
			t.Fatalf("client A, attempt %d: status %d, want %d", i+1, st, want)
		}
	}
	if st := login(from("1.1.1.1, 203.0.113.2")); st != http.StatusUnauthorized {
		t.Fatalf("client B (writing its own X-Forwarded-For too): status %d, want 401", st)
	}

	// 127.0.0.2 is loopback too, but not the trusted proxy.
	untrusted := &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext,
	}}
	t.Cleanup(untrusted.CloseIdleConnections)
	for i, want := range []int{http.StatusUnauthorized, http.StatusUnauthorized, http.StatusTooManyRequests} {
		body, _ := json.Marshal(authclient.LoginRequest{Email: uniqueEmail("nobody"), Password: "wrong-" + secretMarker})
		req, _ := http.NewRequest(http.MethodPost, s.base+"/api/auth/login", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", "203.0.113.10"+string(rune('0'+i)))
		resp, err := untrusted.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("untrusted peer, attempt %d: status %d, want %d; %s", i+1, resp.StatusCode, want, data)
		}
	}
}

// TestLoginDuringSignupFlood: signups flooding the hashing queue (one
// slot, a short queue) answer 201 or 503 busy, while every login of a real
// user meanwhile succeeds: logins are served ahead of queued signups.
func TestLoginDuringSignupFlood(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) {
		c.HashConcurrency, c.HashQueue = 1, 4
		c.Argon2MemoryKiB, c.Argon2Iterations = 8192, 1
	})
	req := validSignup(uniqueEmail("flood-victim"))
	s.mustSignup(t, req)

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var busy, created atomic.Int64
	for range 24 {
		wg.Go(func() {
			for ctx.Err() == nil {
				resp, err := s.client.SignupWithResponse(ctx, validSignup(uniqueEmail("flood")))
				switch {
				case err != nil:
				case resp.StatusCode() == http.StatusCreated:
					created.Add(1)
				case resp.StatusCode() == http.StatusServiceUnavailable:
					busy.Add(1)
				default:
					t.Errorf("flood signup: status %d", resp.StatusCode())
				}
			}
		})
	}
	eventually(t, time.Minute, "the flood fills the queue", func() bool { return busy.Load() > 0 })
	for i := range 5 {
		if st := s.login(t, req.Email, req.Password).StatusCode(); st != http.StatusOK {
			t.Errorf("login %d during the flood: status %d, want 200", i+1, st)
		}
	}
	stop()
	wg.Wait()
	t.Logf("flood: %d created, %d busy", created.Load(), busy.Load())
}
