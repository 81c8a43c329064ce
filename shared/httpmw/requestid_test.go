package httpmw_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"prana/shared/httpmw"
	"prana/shared/requestid"
)

var freshID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// run sends a request with the given X-Request-ID header values through the
// middleware and returns the id seen in the context and the echoed header.
func run(t *testing.T, header []string) (ctxID, echoed string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, v := range header {
		req.Header.Add(requestid.Header, v)
	}
	rec := httptest.NewRecorder()
	called := false
	httpmw.RequestID(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		called = true
		ctxID = requestid.FromContext(r.Context())
	})).ServeHTTP(rec, req)
	if !called {
		t.Fatal("next handler not called")
	}
	return ctxID, rec.Header().Get(requestid.Header)
}

func TestCallerIDKept(t *testing.T) {
	t.Parallel()
	for _, id := range []string{
		"abc",
		"0f8fad5b-d9cb-469f-a165-70867728950e",
		"x",
		strings.Repeat("a", 128),
		"!~printable:ascii/=+_[]{}",
	} {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			ctxID, echoed := run(t, []string{id})
			if ctxID != id || echoed != id {
				t.Errorf("context %q, header %q; want both %q", ctxID, echoed, id)
			}
		})
	}
}

func TestCallerIDReplaced(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"absent":         nil,
		"empty":          {""},
		"too long":       {strings.Repeat("a", 129)},
		"space":          {"a b"},
		"tab":            {"a\tb"},
		"newline":        {"a\nb"},
		"NUL":            {"a\x00b"},
		"DEL":            {"a\x7fb"},
		"non-ASCII":      {"caf\u00e9"},
		"invalid UTF-8":  {"a\xffb"},
		"log injection":  {"ok\r\nX-Admin: 1"},
		"first is empty": {"", "later"},
	}
	for name, header := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctxID, echoed := run(t, header)
			if !freshID.MatchString(ctxID) {
				t.Errorf("context id %q, want a fresh 32-hex id", ctxID)
			}
			if echoed != ctxID {
				t.Errorf("echoed %q, context %q: want the same", echoed, ctxID)
			}
		})
	}
}

func TestFreshIDsUnique(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for range 1000 {
		id, _ := run(t, nil)
		if seen[id] {
			t.Fatalf("id %q handed out twice", id)
		}
		seen[id] = true
	}
}

func TestFromContextOutsideRequest(t *testing.T) {
	t.Parallel()
	if got := requestid.FromContext(context.Background()); got != "" {
		t.Errorf("FromContext(background) = %q, want empty", got)
	}
}

func TestNewContext(t *testing.T) {
	t.Parallel()
	ctx := requestid.NewContext(context.Background(), "job-req-1")
	if got := requestid.FromContext(ctx); got != "job-req-1" {
		t.Errorf("FromContext = %q, want job-req-1", got)
	}
	for _, bad := range []string{"", "two words", strings.Repeat("x", 129), "line\nbreak"} {
		if got := requestid.FromContext(requestid.NewContext(context.Background(), bad)); got != "" {
			t.Errorf("NewContext(%q) kept %q, want it dropped", bad, got)
		}
	}
}
