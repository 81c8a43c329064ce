package problem_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"prana/shared/apicommon"
	"prana/shared/httpmw"
	"prana/shared/problem"
	"prana/shared/requestid"
)

// serve runs h behind httpmw.RequestID, as every service does, with the
// caller's request id set to id.
func serve(t *testing.T, h http.HandlerFunc, method, target, id string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if id != "" {
		req.Header.Set(requestid.Header, id)
	}
	rec := httptest.NewRecorder()
	httpmw.RequestID(h).ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) problem.Problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
		t.Fatalf("Content-Type = %q, want %q", ct, problem.ContentType)
	}
	var p problem.Problem
	if err := json.NewDecoder(rec.Body).Decode(&p); err != nil {
		t.Fatalf("decode problem: %v", err)
	}
	return p
}

func TestWrite(t *testing.T) {
	t.Parallel()
	rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		p := problem.New(http.StatusConflict, "email_taken", "Email must be unique.")
		p.Header = http.Header{"Www-Authenticate": {`Bearer realm="x"`}, "X-Extra": {"a", "b"}}
		problem.Write(w, r, p)
	}, http.MethodPost, "/api/things/7?q=1", "req-123")

	if rec.Code != http.StatusConflict {
		t.Errorf("status = %d, want %d", rec.Code, http.StatusConflict)
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := rec.Header().Get("WWW-Authenticate"); got != `Bearer realm="x"` {
		t.Errorf("WWW-Authenticate = %q", got)
	}
	if got := rec.Header().Values("X-Extra"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("X-Extra = %q, want [a b]", got)
	}
	if got := rec.Header().Get("Retry-After"); got != "" {
		t.Errorf("Retry-After = %q, want none without RetryAfter", got)
	}
	p := decode(t, rec)
	want := apicommon.Problem{
		Type:      "urn:prana:problem:email_taken",
		Title:     "Conflict",
		Status:    http.StatusConflict,
		Detail:    "Email must be unique.",
		Instance:  "/api/things/7",
		RequestId: "req-123",
		Code:      "email_taken",
	}
	if p.Type != want.Type || p.Title != want.Title || p.Status != want.Status || p.Detail != want.Detail ||
		p.Instance != want.Instance || p.RequestId != want.RequestId || p.Code != want.Code || p.Errors != nil {
		t.Errorf("body = %+v, want %+v", p, want)
	}
}

func TestWriteKeepsExplicitInstanceAndErrors(t *testing.T) {
	t.Parallel()
	rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		p := problem.New(http.StatusUnprocessableEntity, "validation_failed", "Invalid.")
		p.Instance = "/api/other"
		p.Errors = []problem.FieldError{{Field: "email", Message: "must be an email"}}
		problem.Write(w, r, p)
	}, http.MethodPost, "/api/things", "")

	p := decode(t, rec)
	if p.Instance != "/api/other" {
		t.Errorf("instance = %q, want the explicit /api/other", p.Instance)
	}
	if len(p.Errors) != 1 || p.Errors[0] != (problem.FieldError{Field: "email", Message: "must be an email"}) {
		t.Errorf("errors = %+v", p.Errors)
	}
	if p.RequestId == "" || p.RequestId != rec.Header().Get(requestid.Header) {
		t.Errorf("request_id = %q, want the generated %q", p.RequestId, rec.Header().Get(requestid.Header))
	}
}

func TestWriteRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   time.Duration
		want string
	}{
		{time.Nanosecond, "1"},
		{time.Millisecond, "1"},
		{999 * time.Millisecond, "1"},
		{time.Second, "1"},
		{time.Second + time.Nanosecond, "2"},
		{1500 * time.Millisecond, "2"},
		{2 * time.Second, "2"},
		{90 * time.Second, "90"},
	}
	for _, tt := range tests {
		t.Run(tt.in.String(), func(t *testing.T) {
			t.Parallel()
			rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
				p := problem.New(http.StatusServiceUnavailable, "busy", "Busy.")
				p.RetryAfter = tt.in
				problem.Write(w, r, p)
			}, http.MethodGet, "/", "")
			if got := rec.Header().Get("Retry-After"); got != tt.want {
				t.Errorf("Retry-After = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRouterHandlers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		h       http.HandlerFunc
		method  string
		status  int
		code    string
		details []string // the detail must mention these
	}{
		{"not found", problem.NotFound, http.MethodGet, http.StatusNotFound, "not_found", []string{"/nope"}},
		{"method not allowed", problem.MethodNotAllowed, http.MethodDelete, http.StatusMethodNotAllowed,
			"method_not_allowed", []string{"DELETE", "/nope"}},
		{"internal", problem.Internal, http.MethodGet, http.StatusInternalServerError, "internal_error", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := serve(t, tt.h, tt.method, "/nope", "trace-me")
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			p := decode(t, rec)
			if p.Status != tt.status || p.Code != tt.code || p.Title != http.StatusText(tt.status) {
				t.Errorf("body = %+v, want status %d code %q", p, tt.status, tt.code)
			}
			if p.RequestId != "trace-me" {
				t.Errorf("request_id = %q, want trace-me", p.RequestId)
			}
			for _, s := range tt.details {
				if !strings.Contains(p.Detail, s) {
					t.Errorf("detail %q does not mention %q", p.Detail, s)
				}
			}
		})
	}
}

func TestInternalRevealsNothing(t *testing.T) {
	t.Parallel()
	rec := serve(t, problem.Internal, http.MethodPost, "/api/secret-path", "")
	if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
		t.Fatalf("Content-Type = %q", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("decode: %v", err)
	}
	allowed := map[string]bool{"type": true, "title": true, "status": true, "detail": true,
		"instance": true, "request_id": true, "code": true}
	for k := range doc {
		if !allowed[k] {
			t.Errorf("internal problem has unexpected field %q", k)
		}
	}
	detail, _ := doc["detail"].(string)
	if detail == "" || strings.Contains(detail, "secret-path") || strings.Contains(detail, "POST") {
		t.Errorf("detail %q should be a fixed, request-independent text", detail)
	}
	if id, _ := doc["request_id"].(string); id == "" {
		t.Error("internal problem carries no request_id to quote")
	}
}

func TestClientGone(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	tests := []struct {
		name   string
		ctx    context.Context
		want   bool
		status int
	}{
		{"live", context.Background(), false, http.StatusOK},
		{"canceled", canceled, true, problem.StatusClientClosed},
		{"deadline exceeded", expired, true, problem.StatusClientClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequestWithContext(tt.ctx, http.MethodGet, "/", nil)
			rec := httptest.NewRecorder()
			if got := problem.ClientGone(rec, req); got != tt.want {
				t.Errorf("ClientGone = %v, want %v", got, tt.want)
			}
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if !tt.want && (rec.Body.Len() > 0 || len(rec.Header()) > 0) {
				t.Errorf("a live request was written to: %v %q", rec.Header(), rec.Body)
			}
		})
	}
	if problem.StatusClientClosed != 499 {
		t.Errorf("StatusClientClosed = %d, want 499", problem.StatusClientClosed)
	}
}
