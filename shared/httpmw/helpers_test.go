package httpmw_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"prana/shared/problem"
)

var discard = slog.New(slog.DiscardHandler)

// problemOf decodes rec's body as a problem document, failing the test when
// it is not one.
func problemOf(t *testing.T, rec *httptest.ResponseRecorder) problem.Problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
		t.Fatalf("Content-Type = %q, want %q (body %q)", ct, problem.ContentType, rec.Body)
	}
	var p problem.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("decode problem %q: %v", rec.Body, err)
	}
	if p.Status != rec.Code {
		t.Errorf("problem status %d, response status %d", p.Status, rec.Code)
	}
	return p
}

// spyBody fails the test if anyone reads it.
type spyBody struct{ read bool }

func (b *spyBody) Read([]byte) (int, error) { b.read = true; return 0, io.EOF }
func (b *spyBody) Close() error             { return nil }
