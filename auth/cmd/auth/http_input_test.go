package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"prana/auth/authclient"
)

// bigBody is a syntactically valid start of a signup body, over 64 KiB.
func bigBody() string {
	return `{"name":"` + strings.Repeat("a", 65<<10) + `","surname":"S","email":"big@example.com",` +
		`"date_of_birth":"1990-01-01","password":"` + testPassword + `"}`
}

// unsized hides a reader's length, so the client sends it chunked, without
// a Content-Length.
type unsized struct{ r io.Reader }

func (u unsized) Read(p []byte) (int, error) { return u.r.Read(p) }

func TestBadBodies(t *testing.T) {
	t.Parallel()
	s := newService(t)
	const valid = `{"name":"Ivan","surname":"P","email":"ok@example.com","date_of_birth":"1990-01-01","password":"` + testPassword + `"}`
	cases := []struct {
		desc, path, contentType string
		body                    func() io.Reader
		status                  int
		code                    string
	}{
		{"malformed JSON", "/api/auth/signup", "application/json",
			func() io.Reader { return strings.NewReader(`{"name": "Ivan", "password": "` + testPassword) }, 400, "malformed_json"},
		{"malformed login", "/api/auth/login", "application/json",
			func() io.Reader { return strings.NewReader(`{"email":`) }, 400, "malformed_json"},
		{"not an object", "/api/auth/signup", "application/json",
			func() io.Reader { return strings.NewReader(`["` + testPassword + `"]`) }, 400, "bad_request"},
		{"empty body", "/api/auth/login", "application/json",
			func() io.Reader { return strings.NewReader(``) }, 400, "malformed_json"},
		{"too large, with length", "/api/auth/signup", "application/json",
			func() io.Reader { return strings.NewReader(bigBody()) }, 413, "body_too_large"},
		{"too large, chunked", "/api/auth/signup", "application/json",
			func() io.Reader { return unsized{strings.NewReader(bigBody())} }, 413, "body_too_large"},
		{"too large login, chunked", "/api/auth/login", "application/json",
			func() io.Reader { return unsized{strings.NewReader(bigBody())} }, 413, "body_too_large"},
		{"text/plain", "/api/auth/signup", "text/plain",
			func() io.Reader { return strings.NewReader(valid) }, 415, "unsupported_media_type"},
		{"form", "/api/auth/login", "application/x-www-form-urlencoded",
			func() io.Reader { return strings.NewReader("email=a%40b.co&password=x") }, 415, "unsupported_media_type"},
		{"no content type", "/api/auth/signup", "",
			func() io.Reader { return strings.NewReader(valid) }, 415, "unsupported_media_type"},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			t.Parallel()
			resp, body := s.do(t, http.MethodPost, c.path, c.contentType, c.body(), nil)
			p := problemOf(t, c.status, resp, body)
			if p.Code != c.code {
				t.Errorf("code %q, want %q", p.Code, c.code)
			}
			if strings.Contains(string(body), secretMarker) {
				t.Errorf("answer echoes the password: %s", body)
			}
		})
	}
	t.Run("chunked body under the limit is fine", func(t *testing.T) {
		t.Parallel()
		resp, body := s.do(t, http.MethodPost, "/api/auth/signup", "application/json; charset=utf-8",
			unsized{strings.NewReader(valid)}, nil)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d, body %s", resp.StatusCode, body)
		}
	})
}

// TestWrongJSONTypes: a field of the wrong JSON type is a problem document
// naming the field, and does not echo the value.
func TestWrongJSONTypes(t *testing.T) {
	t.Parallel()
	s := newService(t)
	for _, body := range []string{
		`{"name":123,"surname":"P","email":"t@example.com","date_of_birth":"1990-01-01","password":"` + testPassword + `"}`,
		`{"name":{"first":"Ivan"},"surname":"P","email":"t@example.com","date_of_birth":"1990-01-01","password":"` + testPassword + `"}`,
		`{"name":"Ivan","surname":"P","email":"t@example.com","date_of_birth":"1990-01-01","password":["` + testPassword + `"]}`,
		`{"name":"Ivan","surname":"P","email":"t@example.com","date_of_birth":19900101,"password":"` + testPassword + `"}`,
	} {
		resp, data := s.do(t, http.MethodPost, "/api/auth/signup", "application/json", strings.NewReader(body), nil)
		if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 422 or 400", body, resp.StatusCode)
			continue
		}
		p := problemOf(t, resp.StatusCode, resp, data)
		if resp.StatusCode == http.StatusUnprocessableEntity && len(p.Errors) == 0 {
			t.Errorf("%s: a 422 without errors: %s", body, data)
		}
		if strings.Contains(string(data), secretMarker) {
			t.Errorf("%s: answer echoes the password: %s", body, data)
		}
	}
}

func TestRouterErrorsAreProblems(t *testing.T) {
	t.Parallel()
	s := newService(t)
	cases := []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/api/auth/nope", http.StatusNotFound},
		{http.MethodGet, "/", http.StatusNotFound},
		{http.MethodGet, "/api/auth/signup", http.StatusMethodNotAllowed},
		{http.MethodPatch, "/api/auth/me", http.StatusMethodNotAllowed},
		{http.MethodPut, "/api/auth/login", http.StatusMethodNotAllowed},
	}
	for _, c := range cases {
		var body io.Reader
		ct := ""
		if c.method == http.MethodPut {
			body, ct = strings.NewReader(`{}`), "application/json"
		}
		resp, data := s.do(t, c.method, c.path, ct, body, nil)
		problemOf(t, c.status, resp, data) // the transport checked its fields
	}
}

// TestRequestIDIsEchoed: a caller's X-Request-ID comes back in the header
// and in problem documents; without one the service makes one up.
func TestRequestIDIsEchoed(t *testing.T) {
	t.Parallel()
	s := newService(t)
	const id = "test-request-7f3a"
	withID := func(_ context.Context, r *http.Request) error {
		r.Header.Set("X-Request-ID", id)
		return nil
	}
	ok := s.signup(t, validSignup(uniqueEmail("rid")), withID)
	if ok.StatusCode() != http.StatusCreated || ok.HTTPResponse.Header.Get("X-Request-ID") != id {
		t.Errorf("201: status %d, X-Request-ID %q, want %q", ok.StatusCode(), ok.HTTPResponse.Header.Get("X-Request-ID"), id)
	}
	bad := s.signup(t, authclient.SignupRequest{}, withID)
	p := problemOf(t, http.StatusUnprocessableEntity, bad.HTTPResponse, bad.Body)
	if p.RequestId != id || bad.HTTPResponse.Header.Get("X-Request-ID") != id {
		t.Errorf("422: request_id %q, header %q, want %q", p.RequestId, bad.HTTPResponse.Header.Get("X-Request-ID"), id)
	}
	resp, data := s.do(t, http.MethodGet, "/nope", "", nil, http.Header{"X-Request-Id": {"bad id with spaces"}})
	p = problemOf(t, http.StatusNotFound, resp, data)
	if p.RequestId == "" || strings.Contains(p.RequestId, " ") {
		t.Errorf("an unusable X-Request-ID was kept: %q", p.RequestId)
	}
}
