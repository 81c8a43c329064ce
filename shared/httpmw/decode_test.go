package httpmw_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"prana/shared/httpmw"
)

type signup struct {
	Email string `json:"email"`
	Age   int    `json:"age"`
}

// decodeErr is what the generated code's json.Decoder returns for body.
func decodeErr(body string) error {
	var s signup
	err := json.NewDecoder(strings.NewReader(body)).Decode(&s)
	if err == nil {
		panic("decodeErr: " + body + " decoded")
	}
	// The generated strict handler wraps the decoder's error.
	return fmt.Errorf("can't decode JSON body: %w", err)
}

func TestRequestError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		status int
		code   string
		field  string
	}{
		{"syntax error", decodeErr(`{"email": nope}`), http.StatusBadRequest, "malformed_json", ""},
		{"bare SyntaxError", json.Unmarshal([]byte(`{,}`), &signup{}), http.StatusBadRequest, "malformed_json", ""},
		{"truncated body", decodeErr(`{"email": "a@b.c"`), http.StatusBadRequest, "malformed_json", ""},
		{"bare ErrUnexpectedEOF", io.ErrUnexpectedEOF, http.StatusBadRequest, "malformed_json", ""},
		{"empty body", decodeErr(``), http.StatusBadRequest, "malformed_json", ""},
		{"too large", fmt.Errorf("decode: %w", &http.MaxBytesError{Limit: 2048}), http.StatusRequestEntityTooLarge, "body_too_large", ""},
		{"wrong field type", decodeErr(`{"email": 42}`), http.StatusUnprocessableEntity, "validation_failed", "email"},
		{"wrong number type", decodeErr(`{"age": "old"}`), http.StatusUnprocessableEntity, "validation_failed", "age"},
		{"wrong top-level type", decodeErr(`"just a string"`), http.StatusBadRequest, "bad_request", ""},
		{"body read timed out", fmt.Errorf("can't decode JSON body: %w", &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}), http.StatusRequestTimeout, "request_timeout", ""},
		{"anything else", errors.New("query parameter limit: strconv.Atoi: parsing \"x\""), http.StatusBadRequest, "bad_request", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			httpmw.RequestError(discard)(rec, httptest.NewRequest(http.MethodPost, "/api/x", nil), tt.err)

			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			p := problemOf(t, rec)
			if p.Code != tt.code {
				t.Errorf("code = %q, want %q", p.Code, tt.code)
			}
			if tt.field == "" && len(p.Errors) > 0 {
				t.Errorf("errors = %+v, want none", p.Errors)
			}
			if tt.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tt.field || p.Errors[0].Message == "") {
				t.Errorf("errors = %+v, want one naming %q", p.Errors, tt.field)
			}
			// The decoder's message names Go types and input bytes; none of
			// it may reach the caller.
			body := rec.Body.Bytes()
			for _, part := range strings.Split(tt.err.Error(), ": ") {
				if len(part) > 6 && bytes.Contains(body, []byte(part)) {
					t.Errorf("body %s echoes the error text %q", body, part)
				}
			}
			for _, leak := range []string{"signup", "httpmw_test", "strconv", "Go value"} {
				if bytes.Contains(body, []byte(leak)) {
					t.Errorf("body %s leaks %q", body, leak)
				}
			}
		})
	}
}
