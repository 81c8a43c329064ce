package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"prana/auth/authclient"
	"prana/auth/internal/config"
	"prana/testkit/servetest"
)

// metric returns the /metrics line of an unlabelled metric, e.g.
// "auth_password_hash_running 1".
func metric(t *testing.T, s *service, name string) string {
	t.Helper()
	_, body := s.do(t, http.MethodGet, "/metrics", "", nil, nil)
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, name+" ") {
			return line
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return ""
}

// TestHashingSaturationAnswers503: beyond the hashing slots and queue the
// service sheds load with 503 and Retry-After instead of queueing without
// bound, and it recovers.
func TestHashingSaturationAnswers503(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) {
		c.HashConcurrency, c.HashQueue, c.HashMaxWait = 1, 1, 50*time.Millisecond
		c.Argon2MemoryKiB, c.Argon2Iterations = 64*1024, 3 // about 150 ms a hash
	})
	const n = 10
	var (
		wg        sync.WaitGroup
		start     = make(chan struct{})
		responses = make([]*authclient.SignupResponse, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := s.client.SignupWithResponse(context.Background(), validSignup(uniqueEmail("flood")))
			if err != nil {
				t.Errorf("signup %d: %v", i, err)
				return
			}
			responses[i] = resp
		}()
	}
	close(start)
	wg.Wait()
	counts := map[int]int{}
	for _, r := range responses {
		if r == nil {
			continue
		}
		counts[r.StatusCode()]++
		if r.StatusCode() == http.StatusServiceUnavailable {
			p := problemOf(t, http.StatusServiceUnavailable, r.HTTPResponse, r.Body)
			checkRetryAfter(t, r.HTTPResponse, 10)
			if p.Code != "busy" {
				t.Errorf("503 code %q, want busy", p.Code)
			}
		}
	}
	t.Logf("statuses of %d concurrent signups: %v", n, counts)
	if counts[http.StatusCreated] < 1 || counts[http.StatusServiceUnavailable] < 1 ||
		counts[http.StatusCreated]+counts[http.StatusServiceUnavailable] != n {
		t.Errorf("statuses %v: want some 201, some 503 and nothing else", counts)
	}

	eventually(t, 10*time.Second, "the hashing queue drains", func() bool {
		return metric(t, s, "auth_password_hash_running") == "auth_password_hash_running 0" &&
			metric(t, s, "auth_password_hash_queue_depth") == "auth_password_hash_queue_depth 0"
	})
	s.mustSignup(t, validSignup(uniqueEmail("after-flood")))
}

// TestGracefulShutdownFinishesInFlightRequests: a request still hashing
// when the service is told to stop gets its answer.
func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) {
		c.Argon2MemoryKiB, c.Argon2Iterations = 64*1024, 3 // a few hundred ms a hash
	})
	type result struct {
		resp *authclient.SignupResponse
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := s.client.SignupWithResponse(context.Background(), validSignup(uniqueEmail("inflight")))
		done <- result{resp, err}
	}()
	eventually(t, 10*time.Second, "the signup is hashing", func() bool {
		return metric(t, s, "auth_password_hash_running") == "auth_password_hash_running 1"
	})
	if err := s.stop(); err != nil {
		t.Fatalf("run returned %v", err)
	}
	r := <-done
	if r.err != nil || r.resp.StatusCode() != http.StatusCreated {
		t.Fatalf("in-flight signup: %v, %+v", r.err, r.resp)
	}
	if resp, err := http.Get(s.base + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("still serving after run returned")
	}
}

// TestLogsHoldNoPasswords drives every path a password travels (signup,
// login right and wrong, validation errors, malformed bodies) and then
// reads the log. (Every service's log is checked at its end too.)
func TestLogsHoldNoPasswords(t *testing.T) {
	t.Parallel()
	s := newService(t)
	req := validSignup(uniqueEmail("logs"))
	s.mustSignup(t, req)
	token := s.mustLogin(t, req.Email, req.Password)
	s.me(t, "Bearer "+token)
	s.login(t, req.Email, "wrong-"+secretMarker+"-password")
	s.login(t, uniqueEmail("nobody"), "wrong-"+secretMarker+"-password")
	bad := req
	bad.Password, bad.Name = secretMarker+"7", ""
	s.signup(t, bad)
	s.do(t, http.MethodPost, "/api/auth/login", "application/json",
		strings.NewReader(`{"email":"x@example.com","password":"`+secretMarker+`-in-a-broken-body`), nil)
	s.do(t, http.MethodPost, "/api/auth/login", "text/plain",
		strings.NewReader(`{"email":"x@example.com","password":"`+secretMarker+`-as-text"}`), nil)

	logs := s.logs.String()
	for _, want := range []string{`"route":"/api/auth/signup"`, `"route":"/api/auth/login"`, `"status":401`, `"status":422`, `"status":400`, `"status":415`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log has no line with %s: the check below would prove little", want)
		}
	}
	servetest.CheckLogsHoldNoSecrets(t, logs, secretMarker, seedPassword)
	if strings.Contains(logs, token[:40]) {
		t.Error("the log holds the access token")
	}
}
