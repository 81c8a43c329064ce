package httpmw_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"prana/shared/httpmw"
	"prana/shared/problem"
)

var errKnown = errors.New("known")

func mapKnown(_ *http.Request, err error) *problem.Problem {
	if errors.Is(err, errKnown) {
		return problem.New(http.StatusConflict, "known", "A known failure.")
	}
	return nil
}

func TestResponseErrorWritesTheMappedProblem(t *testing.T) {
	var logs bytes.Buffer
	handle := httpmw.ResponseError(slog.New(slog.NewJSONHandler(&logs, nil)), mapKnown)
	rec := httptest.NewRecorder()
	handle(rec, httptest.NewRequest(http.MethodGet, "/x", nil), errKnown)
	if p := problemOf(t, rec); rec.Code != http.StatusConflict || p.Code != "known" {
		t.Fatalf("status %d, code %q; want 409 known", rec.Code, p.Code)
	}
	if logs.Len() != 0 {
		t.Errorf("a mapped error was logged: %s", logs.String())
	}
}

func TestResponseErrorHidesAnUnknownCause(t *testing.T) {
	var logs bytes.Buffer
	handle := httpmw.ResponseError(slog.New(slog.NewJSONHandler(&logs, nil)), mapKnown)
	rec := httptest.NewRecorder()
	handle(rec, httptest.NewRequest(http.MethodGet, "/x", nil), errors.New("pq: secret table missing"))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	problemOf(t, rec)
	if strings.Contains(rec.Body.String(), "secret table") {
		t.Errorf("the cause reached the client: %s", rec.Body)
	}
	if !strings.Contains(logs.String(), "secret table") {
		t.Errorf("the cause is not in the log: %q", logs.String())
	}
}

func TestResponseErrorWritesNothingToAGoneClient(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	httpmw.ResponseError(discard, mapKnown)(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/x", nil), errKnown)
	if rec.Code != problem.StatusClientClosed || rec.Body.Len() != 0 {
		t.Errorf("status %d, body %q; want %d and no body", rec.Code, rec.Body, problem.StatusClientClosed)
	}
}
