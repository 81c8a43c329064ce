package bearer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"prana/shared/bearer"
	"prana/shared/jwtverify"
	"prana/shared/problem"
)

// spec has a default security requirement that getMe inherits,
// uploadPdf restates and healthz drops with `security: []`; the path item
// of /me also carries fields that are not operations.
const spec = `{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "security": [{"bearerAuth": []}],
  "paths": {
    "/me": {
      "summary": "me",
      "parameters": [{"name": "x", "in": "query", "schema": {"type": "string"}}],
      "get": {"operationId": "getMe", "responses": {}}
    },
    "/upload": {"post": {"operationId": "uploadPdf", "security": [{"bearerAuth": []}], "responses": {}}},
    "/healthz": {"get": {"operationId": "healthz", "security": [], "responses": {}}}
  }
}`

// authenticator is bearer.New on doc, failing the test on error.
func authenticator(t testing.TB, doc string, v bearer.Verifier) *bearer.Authenticator {
	t.Helper()
	a, err := bearer.New([]byte(doc), v)
	if err != nil {
		t.Fatalf("bearer.New: %v", err)
	}
	return a
}

// verifier is a fake bearer.Verifier: known tokens map to claims or errors.
type verifier struct {
	mu     sync.Mutex
	calls  []string
	tokens map[string]error
}

var claims = jwtverify.Claims{UserID: "0f8fad5b-d9cb-469f-a165-70867728950e", Email: "ann@example.com"}

func (v *verifier) Verify(_ context.Context, raw string) (jwtverify.Claims, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.calls = append(v.calls, raw)
	err, ok := v.tokens[raw]
	if !ok {
		return jwtverify.Claims{}, fmt.Errorf("%w: unknown", jwtverify.ErrInvalid)
	}
	if err != nil {
		return jwtverify.Claims{}, err
	}
	return claims, nil
}

func (v *verifier) called() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.calls...)
}

func newVerifier() *verifier {
	return &verifier{tokens: map[string]error{
		"good":    nil,
		"expired": jwtverify.ErrExpired,
		"nokeys":  fmt.Errorf("%w: jwks fetch failed", jwtverify.ErrKeysUnavailable),
		"bad-sig": fmt.Errorf("%w: signature mismatch", jwtverify.ErrInvalid),
	}}
}

func TestSecured(t *testing.T) {
	t.Parallel()
	a := authenticator(t, spec, newVerifier())
	tests := map[string]bool{
		"getMe":     true, // inherits the spec's default
		"GetMe":     true, // the generated code's spelling
		"GETME":     true,
		"uploadPdf": true,
		"UploadPdf": true,
		"healthz":   false, // security: []
		"Healthz":   false,
		"unknownOp": false,
		"":          false,
	}
	for id, want := range tests {
		if got := a.Secured(id); got != want {
			t.Errorf("Secured(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestSecuredWithoutDefault(t *testing.T) {
	t.Parallel()
	var doc map[string]any
	if err := json.Unmarshal([]byte(spec), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "security")
	s, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	a := authenticator(t, string(s), newVerifier())
	for id, want := range map[string]bool{"getMe": false, "uploadPdf": true, "healthz": false} {
		if got := a.Secured(id); got != want {
			t.Errorf("Secured(%q) = %v, want %v", id, got, want)
		}
	}
}

// The real specs arrive as YAML encoded to JSON by kin-openapi (make
// generate's tools/specbundle): `security: []` must survive that as an
// override, not read as "inherit the default".
func TestSecuredLoadedSpec(t *testing.T) {
	t.Parallel()
	doc := `
openapi: 3.0.3
info: {title: t, version: "1"}
security:
  - bearerAuth: []
paths:
  /me:
    get:
      operationId: getMe
      responses: {"200": {description: ok}}
  /healthz:
    get:
      operationId: healthz
      security: []
      responses: {"200": {description: ok}}
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
`
	s, err := openapi3.NewLoader().LoadFromData([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	encoded, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	a := authenticator(t, string(encoded), newVerifier())
	if !a.Secured("GetMe") || a.Secured("Healthz") {
		t.Errorf("Secured(GetMe) = %v, Secured(Healthz) = %v; want true, false", a.Secured("GetMe"), a.Secured("Healthz"))
	}
}

func TestNewRejectsBadDocument(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{"", "not json", `{"paths": []}`, `{"security": {}}`} {
		if _, err := bearer.New([]byte(doc), newVerifier()); err == nil {
			t.Errorf("New(%q) = nil error, want one", doc)
		}
	}
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	const (
		challenge        = `Bearer realm="prana"`
		invalidChallenge = `Bearer realm="prana", error="invalid_token"`
	)
	tests := []struct {
		name      string
		header    []string // Authorization values; nil for none
		status    int      // 0: authenticated
		challenge string
		detail    string
		verified  []string // tokens the verifier must have seen
	}{
		{name: "no header", status: 401, challenge: challenge},
		{name: "empty header", header: []string{""}, status: 401, challenge: challenge},
		{name: "basic", header: []string{"Basic x"}, status: 401, challenge: challenge},
		{name: "scheme alone", header: []string{"Bearer"}, status: 401, challenge: challenge},
		{name: "scheme and blanks", header: []string{"Bearer   "}, status: 401, challenge: challenge},
		{name: "token alone", header: []string{"good"}, status: 401, challenge: challenge},
		{name: "rejected", header: []string{"Bearer bad-sig"}, status: 401, challenge: invalidChallenge,
			detail: "Invalid token", verified: []string{"bad-sig"}},
		{name: "unknown", header: []string{"Bearer forged"}, status: 401, challenge: invalidChallenge,
			detail: "Invalid token", verified: []string{"forged"}},
		{name: "expired", header: []string{"Bearer expired"}, status: 401, challenge: invalidChallenge,
			detail: "Token has expired", verified: []string{"expired"}},
		{name: "keys unavailable", header: []string{"Bearer nokeys"}, status: 503, verified: []string{"nokeys"}},
		{name: "good", header: []string{"Bearer good"}, verified: []string{"good"}},
		{name: "lower-case scheme", header: []string{"bearer good"}, verified: []string{"good"}},
		{name: "upper-case scheme", header: []string{"BEARER good"}, verified: []string{"good"}},
		{name: "extra blanks", header: []string{"  Bearer   good  "}, verified: []string{"good"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := newVerifier()
			a := authenticator(t, spec, v)
			req := httptest.NewRequest(http.MethodGet, "/me", nil)
			for _, h := range tt.header {
				req.Header.Add("Authorization", h)
			}
			rec := httptest.NewRecorder()
			ctx, ok := a.Authenticate(req.Context(), rec, req)

			if got := v.called(); strings.Join(got, ",") != strings.Join(tt.verified, ",") {
				t.Errorf("verifier saw %q, want %q", got, tt.verified)
			}
			if tt.status == 0 {
				if !ok {
					t.Fatalf("not authenticated: %d %s", rec.Code, rec.Body)
				}
				if rec.Body.Len() > 0 || len(rec.Header()) > 0 {
					t.Errorf("wrote %v %q on success", rec.Header(), rec.Body)
				}
				if c, found := bearer.ClaimsFrom(ctx); !found || c != claims {
					t.Errorf("ClaimsFrom = %+v, %v; want the verified claims", c, found)
				}
				return
			}
			if ok {
				t.Fatal("authenticated, want refused")
			}
			if _, found := bearer.ClaimsFrom(ctx); found {
				t.Error("claims in the context of a refused request")
			}
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
				t.Errorf("Content-Type = %q", ct)
			}
			var p problem.Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != tt.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenge)
			}
			if tt.status == http.StatusServiceUnavailable {
				if rec.Header().Get("Retry-After") == "" {
					t.Error("503 without Retry-After")
				}
				if p.Code != "keys_unavailable" {
					t.Errorf("code = %q, want keys_unavailable", p.Code)
				}
				return
			}
			if p.Code != "unauthorized" {
				t.Errorf("code = %q, want unauthorized", p.Code)
			}
			if tt.detail != "" && p.Detail != tt.detail {
				t.Errorf("detail = %q, want %q", p.Detail, tt.detail)
			}
			for _, leak := range []string{"signature mismatch", "unknown", "forged"} {
				if strings.Contains(rec.Body.String(), leak) {
					t.Errorf("body %s leaks %q", rec.Body, leak)
				}
			}
		})
	}
}

func TestClaimsFromEmpty(t *testing.T) {
	t.Parallel()
	if c, ok := bearer.ClaimsFrom(context.Background()); ok || c != (jwtverify.Claims{}) {
		t.Errorf("ClaimsFrom(background) = %+v, %v", c, ok)
	}
}

// handler has the shape of a generated StrictHandlerFunc.
type handler func(ctx context.Context, w http.ResponseWriter, r *http.Request, req any) (any, error)

func TestMiddleware(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		op       string
		auth     string
		nextRuns bool
		status   int
		verified int
	}{
		{"unsecured op, no token", "Healthz", "", true, http.StatusOK, 0},
		{"unsecured op ignores a bad token", "Healthz", "Bearer forged", true, http.StatusOK, 0},
		{"secured op, no token", "GetMe", "", false, http.StatusUnauthorized, 0},
		{"secured op, bad token", "GetMe", "Bearer forged", false, http.StatusUnauthorized, 1},
		{"secured op, good token", "GetMe", "Bearer good", true, http.StatusOK, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := newVerifier()
			mw := bearer.Middleware[handler](authenticator(t, spec, v))
			ran := false
			next := handler(func(ctx context.Context, _ http.ResponseWriter, _ *http.Request, req any) (any, error) {
				ran = true
				if _, ok := bearer.ClaimsFrom(ctx); ok != (tt.auth == "Bearer good") {
					t.Errorf("claims in context: %v", ok)
				}
				return "resp:" + req.(string), nil
			})
			req := httptest.NewRequest(http.MethodGet, "/x", nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			rec := httptest.NewRecorder()
			resp, err := mw(next, tt.op)(req.Context(), rec, req, "in")

			if err != nil {
				t.Errorf("err = %v, want nil (the 401 is already written)", err)
			}
			if ran != tt.nextRuns || rec.Code != tt.status {
				t.Errorf("next ran %v, status %d; want %v, %d", ran, rec.Code, tt.nextRuns, tt.status)
			}
			if tt.nextRuns && resp != "resp:in" {
				t.Errorf("response = %v, want next's", resp)
			}
			if !tt.nextRuns && resp != nil {
				t.Errorf("response = %v, want nil so the strict handler writes nothing more", resp)
			}
			if n := len(v.called()); n != tt.verified {
				t.Errorf("verifier called %d times, want %d", n, tt.verified)
			}
		})
	}
}

var _ bearer.Verifier = (*verifier)(nil)
