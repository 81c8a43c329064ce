package specvalidate

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
)

// Problem is an RFC 9457 problem document as Prana writes it.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance"`
	RequestID string `json:"request_id"`
	Code      string `json:"code"`
	Errors    []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// CheckProblem checks what every error answer must carry, on any route.
func CheckProblem(resp *http.Response, body []byte) error {
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		return fmt.Errorf("content type %q", ct)
	}
	var p Problem
	if err := json.Unmarshal(body, &p); err != nil {
		return err
	}
	var errs []error
	for name, v := range map[string]string{"type": p.Type, "title": p.Title, "detail": p.Detail, "request_id": p.RequestID} {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s is empty", name))
		}
	}
	if p.Status != resp.StatusCode {
		errs = append(errs, fmt.Errorf("status %d in a %d answer", p.Status, resp.StatusCode))
	}
	if id := resp.Header.Get("X-Request-ID"); p.RequestID != id {
		errs = append(errs, fmt.Errorf("request_id %q but X-Request-ID %q", p.RequestID, id))
	}
	return errors.Join(errs...)
}

// DecodeProblem checks the status of a problem answer and decodes it.
func DecodeProblem(t testing.TB, status int, resp *http.Response, body []byte) Problem {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
	}
	var p Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem document: %v\n%s", err, body)
	}
	return p
}
