package httpmw_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"prana/shared/httpmw"
	"prana/shared/requestid"
)

func TestRecover(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	h := httpmw.RequestID(httpmw.Recover(log)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("db password is hunter2")
	})))
	req := httptest.NewRequest(http.MethodGet, "/boom", nil)
	req.Header.Set(requestid.Header, "rid-1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	p := problemOf(t, rec)
	if p.Code != "internal_error" || p.RequestId != "rid-1" {
		t.Errorf("problem = %+v, want internal_error with request_id rid-1", p)
	}
	if strings.Contains(rec.Body.String(), "hunter2") {
		t.Errorf("body %q reveals the panic", rec.Body)
	}
	// The cause goes to the log, findable by the request id.
	if !strings.Contains(logs.String(), "hunter2") || !strings.Contains(logs.String(), `"request_id":"rid-1"`) {
		t.Errorf("log %q lacks the panic or the request id", logs.String())
	}
}

func TestRecoverPassesThrough(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	httpmw.Recover(discard)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusTeapot {
		t.Errorf("status = %d, want the handler's 418", rec.Code)
	}
}

// http.ErrAbortHandler is how a handler asks net/http to drop the
// connection silently; Recover must let it through.
func TestRecoverRepanicsAbortHandler(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler re-panicked", v)
		}
		if rec.Body.Len() > 0 {
			t.Errorf("wrote %q for an aborted request", rec.Body)
		}
	}()
	httpmw.Recover(discard)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
}
