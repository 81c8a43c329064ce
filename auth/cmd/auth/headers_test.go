package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestEveryAnswerCarriesTheSecurityHeaders walks every operation of the
// spec (unauthenticated and empty, so mostly error answers), the routes
// outside it and the router's own 404 and 405, and the successful token
// and profile answers: each carries nosniff and no Server banner, and
// every answer but the public JWKS, spec and docs says no-store.
func TestEveryAnswerCarriesTheSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := newService(t)
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	type call struct{ method, path string }
	var calls []call
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			calls = append(calls, call{method, path})
		}
	}
	calls = append(calls, call{"GET", "/docs"}, call{"GET", "/docs/"}, call{"GET", "/metrics"},
		call{"GET", "/no/such/route"}, call{"DELETE", "/healthz"}, call{"OPTIONS", "/api/auth/login"})
	cacheable := map[string]bool{"/.well-known/jwks.json": true, "/openapi.json": true, "/docs": true, "/docs/": true}
	for _, c := range calls {
		ct, body := "", io.Reader(nil)
		if c.method == http.MethodPost {
			ct, body = "application/json", strings.NewReader("{}")
		}
		resp, _ := s.do(t, c.method, c.path, ct, body, nil)
		checkSecurityHeaders(t, c.method+" "+c.path, resp, !cacheable[c.path] || resp.StatusCode >= 400)
	}

	// The answers that hold a token or a profile.
	req := validSignup(uniqueEmail("headers"))
	signup := s.signup(t, req)
	checkSecurityHeaders(t, "signup 201", signup.HTTPResponse, true)
	login := s.login(t, req.Email, req.Password)
	checkSecurityHeaders(t, "login 200", login.HTTPResponse, true)
	suite.Secret(login.JSON200.AccessToken)
	me := s.me(t, "Bearer "+login.JSON200.AccessToken)
	checkSecurityHeaders(t, "me 200", me.HTTPResponse, true)
}

// checkSecurityHeaders checks one answer; private: it must say no-store.
func checkSecurityHeaders(t *testing.T, what string, resp *http.Response, private bool) {
	t.Helper()
	h := resp.Header
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s (%d): X-Content-Type-Options %q, want nosniff", what, resp.StatusCode, h.Get("X-Content-Type-Options"))
	}
	if v := h.Get("Server"); v != "" {
		t.Errorf("%s (%d): Server banner %q", what, resp.StatusCode, v)
	}
	if private && h.Get("Cache-Control") != "no-store" {
		t.Errorf("%s (%d): Cache-Control %q, want no-store", what, resp.StatusCode, h.Get("Cache-Control"))
	}
}
