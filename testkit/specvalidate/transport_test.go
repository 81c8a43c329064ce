package specvalidate

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

// TestTransportCatchesMismatches makes sure the response check
// every HTTP test relies on does reject what the contract forbids: a stub
// server answers with canned responses, and the transport must complain
// about exactly the bad ones.
func TestMain(m *testing.M) {
	DefineFormats()
	os.Exit(m.Run())
}

func TestTransportCatchesMismatches(t *testing.T) {
	t.Parallel()
	const (
		user    = `{"id":"0192f1c4-7b9a-7c3e-8d2f-1a2b3c4d5e6f","name":"I","surname":"P","email":"i@example.com","date_of_birth":"1990-02-28","created_at":"2026-11-28T10:00:00Z"}`
		problem = `{"type":"urn:x","title":"T","status":%d,"detail":"D","request_id":"rid"}`
	)
	cases := []struct {
		desc, method, path string
		status             int
		contentType, body  string
		bad                bool
	}{
		{"valid 201", "POST", "/api/auth/signup", 201, "application/json", user, false},
		{"valid 409", "POST", "/api/auth/signup", 409, "application/problem+json", fmt.Sprintf(problem, 409), false},
		{"valid 404 off the spec", "GET", "/nope", 404, "application/problem+json", fmt.Sprintf(problem, 404), false},
		{"valid /readyz 503", "GET", "/readyz", 503, "application/json", `{"status":"unavailable"}`, false},
		{"201 missing created_at", "POST", "/api/auth/signup", 201, "application/json", strings.Replace(user, `,"created_at":"2026-11-28T10:00:00Z"`, "", 1), true},
		{"201 with a malformed date", "POST", "/api/auth/signup", 201, "application/json", strings.Replace(user, "1990-02-28", "1990-02-30", 1), true},
		{"201 with a bad email", "POST", "/api/auth/signup", 201, "application/json", strings.Replace(user, "i@example.com", "Ivan <i@x.io>", 1), true},
		{"undeclared status", "POST", "/api/auth/signup", 418, "application/problem+json", fmt.Sprintf(problem, 418), true},
		{"error as plain JSON", "POST", "/api/auth/signup", 409, "application/json", fmt.Sprintf(problem, 409), true},
		{"error as text", "GET", "/nope", 404, "text/plain", "404 page not found", true},
		{"problem without request_id", "POST", "/api/auth/login", 401, "application/problem+json", `{"type":"urn:x","title":"T","status":401,"detail":"D"}`, true},
		{"problem status mismatch", "GET", "/nope", 405, "application/problem+json", fmt.Sprintf(problem, 404), true},
		{"token type not Bearer", "POST", "/api/auth/login", 200, "application/json", `{"access_token":"x","token_type":"bearer","expires_in":1}`, true},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			t.Parallel()
			stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", c.contentType)
				w.Header().Set("X-Request-ID", "rid")
				w.WriteHeader(c.status)
				fmt.Fprint(w, c.body)
			}))
			defer stub.Close()
			var mu sync.Mutex
			var reports []string
			v := NewTransport(t, "../../api/auth.yaml")
			v.Report = func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				reports = append(reports, fmt.Sprintf(format, args...))
			}
			var body *strings.Reader
			if c.method == "POST" {
				body = strings.NewReader(`{}`)
			} else {
				body = strings.NewReader("")
			}
			req, err := http.NewRequest(c.method, stub.URL+c.path, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := (&http.Client{Transport: v}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := len(reports) > 0; got != c.bad {
				t.Errorf("reported %v, want a report: %v", reports, c.bad)
			}
		})
	}
}
