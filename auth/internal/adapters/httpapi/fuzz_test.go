package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/prometheus/client_golang/prometheus"

	"prana/auth/internal/adapters/httpapi"
	"prana/auth/internal/app"
)

// FuzzAuthBody throws arbitrary bodies and content types at signup and
// login. Whatever arrives, the answer is never a 5xx; an error is a problem
// document whose status matches; every answer matches the spec; and a
// submitted password never comes back. No database: the app runs on the
// in-memory fakes in fuzz_fakes_test.go.
func FuzzAuthBody(f *testing.F) {
	const signup = `{"name":"Ivan","surname":"Petrenko","email":"ivan@example.com","date_of_birth":"1990-02-28","password":"correct horse battery"}`
	f.Add(false, "application/json", []byte(signup))
	f.Add(true, "application/json", []byte(`{"email":"ivan@example.com","password":"correct horse battery"}`))
	f.Add(true, "application/json", []byte(`{"email":"IVAN@example.com","password":"wrong horse battery"}`))
	f.Add(false, "application/json; charset=utf-8", []byte(`{"name":"Іван","surname":"Γιώργος","email":"zoë@example.com","date_of_birth":"1990-02-30","password":"пароль-пароль"}`))
	f.Add(false, "application/json", []byte(`{"name":1e999,"surname":-1,"email":[],"date_of_birth":{},"password":12345678901234567890123}`))
	f.Add(true, "application/json", []byte(`{"email":"ivan@example.com","password":"correct horse`))
	f.Add(false, "text/plain", []byte(signup))
	f.Add(true, "", []byte(""))
	f.Add(false, "application/problem+json", []byte(`[null,{"password":"x"}]`))

	h := newFuzzHandler(f)
	f.Fuzz(func(t *testing.T, login bool, contentType string, body []byte) {
		path := "/api/auth/signup"
		if login {
			path = "/api/auth/login"
		}
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		h.handler.ServeHTTP(rec, req)
		resp := rec.Result()
		got := rec.Body.Bytes()

		if resp.StatusCode >= 500 {
			t.Fatalf("%s %q %q: status %d: %s", path, contentType, body, resp.StatusCode, got)
		}
		if resp.StatusCode >= 300 {
			checkProblem(t, resp, got)
		} else if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("status %d with content type %q", resp.StatusCode, ct)
		} else {
			checkSuccess(t, login, got)
		}
		h.validate(t, req, resp, got)
		if got, found := passwordEcho(h.handler, path, contentType, body); found {
			t.Fatalf("the answer echoes the password (or fails): %s", got)
		}
	})
}

// fuzzHandler is the real HTTP adapter on the real app, with fake ports.
type fuzzHandler struct {
	handler http.Handler
	router  routers.Router
}

var fuzzOnce = sync.OnceValues(func() (*fuzzHandler, error) {
	openapi3.DefineStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail))
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := app.New(app.Deps{
		Users: newMemUsers(), Hasher: fakeHasher{}, Tokens: fakeTokens{}, Limiter: noLimits{}, Sessions: noSessions{},
		Policy: app.SessionPolicy{TTL: time.Hour, IdleTimeout: time.Hour}, Log: log,
	})
	h, err := httpapi.NewHandler(httpapi.Deps{
		Service: svc, Verifier: rejectAll{}, Keys: jwk.NewSet,
		Registry: prometheus.NewRegistry(), Log: log,
	})
	if err != nil {
		return nil, err
	}
	spec, err := openapi3.NewLoader().LoadFromData(httpapi.SpecJSON())
	if err != nil {
		return nil, err
	}
	spec.Servers = nil
	r, err := legacy.NewRouter(spec)
	if err != nil {
		return nil, err
	}
	return &fuzzHandler{handler: h, router: r}, nil
})

func newFuzzHandler(f *testing.F) *fuzzHandler {
	f.Helper()
	h, err := fuzzOnce()
	if err != nil {
		f.Fatal(err)
	}
	return h
}

// validate checks the answer against api/auth.yaml: declared status,
// headers, content type and body schema.
func (h *fuzzHandler) validate(t *testing.T, req *http.Request, resp *http.Response, body []byte) {
	t.Helper()
	route, params, err := h.router.FindRoute(req)
	if err != nil {
		t.Fatalf("route %s: %v", req.URL.Path, err)
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	})
	if err != nil {
		t.Fatalf("answer %d does not match the spec: %v\n%s", resp.StatusCode, err, body)
	}
}

func checkProblem(t *testing.T, resp *http.Response, body []byte) {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d with content type %q: %s", resp.StatusCode, ct, body)
	}
	var p struct {
		Type, Title, Detail string
		Status              int
		RequestID           string `json:"request_id"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("status %d: problem document does not decode: %v\n%s", resp.StatusCode, err, body)
	}
	if p.Status != resp.StatusCode || p.Type == "" || p.Title == "" || p.Detail == "" || p.RequestID == "" {
		t.Fatalf("status %d: incomplete problem document %s", resp.StatusCode, body)
	}
}

// passwordValue finds the value of every "password" member, in any letter
// case, valid JSON or not.
var passwordValue = regexp.MustCompile(`(?i)"password"\s*:\s*"((?:[^"\\]|\\.)*)`)

// markers are runes that stand in for a password; one the body does not
// hold anywhere else is used.
var markers = []rune{'☃', '⍟', '⎈', '⏚'}

// passwordEcho sends the body again with every password replaced by a
// marker of the same length (so the same rules apply) that appears nowhere
// else in the request, and returns the answer if the marker comes back in
// it: the answer echoes the password. (Looking for the password itself
// would trip over passwords such as "correct " that are part of the
// service's own texts.) A 5xx is reported too.
func passwordEcho(h http.Handler, path, contentType string, body []byte) (string, bool) {
	if !passwordValue.Match(body) {
		return "", false
	}
	marker := rune(0)
	for _, m := range markers {
		if !bytes.ContainsRune(body, m) {
			marker = m
			break
		}
	}
	if marker == 0 {
		return "", false
	}
	masked := passwordValue.ReplaceAllFunc(body, func(member []byte) []byte {
		sub := passwordValue.FindSubmatchIndex(member)
		raw := member[sub[2]:sub[3]]
		n := utf8.RuneCount(raw)
		var s string
		if json.Unmarshal([]byte(`"`+string(raw)+`"`), &s) == nil {
			n = utf8.RuneCountInString(s)
		}
		return append(member[:sub[2]:sub[2]], strings.Repeat(string(marker), n)...)
	})
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(masked))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	got := rec.Body.String()
	escaped := strings.Trim(strconv.QuoteToASCII(string(marker)), `"`)
	if rec.Code >= 500 || strings.ContainsRune(got, marker) || strings.Contains(strings.ToLower(got), strings.ToLower(escaped)) {
		return fmt.Sprintf("request %q: %d %s", masked, rec.Code, got), true
	}
	return "", false
}

// TestPasswordEchoIsCaught checks the fuzz target's echo check on a
// handler that does echo, in plain and escaped form.
func TestPasswordEchoIsCaught(t *testing.T) {
	t.Parallel()
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Password string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		_ = json.NewEncoder(w).Encode(map[string]string{"detail": "bad password " + in.Password})
	})
	escaping := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Password string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		fmt.Fprintf(w, `{"detail":%s}`, strconv.QuoteToASCII(in.Password))
	})
	for _, h := range []http.Handler{echo, escaping} {
		if _, found := passwordEcho(h, "/", "application/json", []byte(`{"password":"correct horse"}`)); !found {
			t.Error("an echoed password was not caught")
		}
	}
	quiet := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"detail":"Incorrect email or password"}`)
	})
	if got, found := passwordEcho(quiet, "/", "application/json", []byte(`{"password":"correct "}`)); found {
		t.Errorf("false alarm: %s", got)
	}
}

// checkSuccess checks a 2xx answer holds exactly the documented fields: a
// user (never a password or hash) or a token.
func checkSuccess(t *testing.T, login bool, body []byte) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("2xx answer is not a JSON object: %v\n%s", err, body)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"created_at", "date_of_birth", "email", "id", "name", "surname"}
	if login {
		want = []string{"access_token", "expires_in", "refresh_expires_in", "refresh_token", "token_type"}
	}
	if !slices.Equal(keys, want) {
		t.Fatalf("2xx answer has fields %v, want exactly %v", keys, want)
	}
}
