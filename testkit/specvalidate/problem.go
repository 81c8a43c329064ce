package specvalidate

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"prana/shared/apicommon"
)

// Problem is an RFC 9457 problem document as Prana writes it: the type
// generated from api/common.yaml.
type Problem = apicommon.Problem

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
	for name, v := range map[string]string{"type": p.Type, "title": p.Title, "detail": p.Detail, "request_id": p.RequestId} {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s is empty", name))
		}
	}
	if p.Status != resp.StatusCode {
		errs = append(errs, fmt.Errorf("status %d in a %d answer", p.Status, resp.StatusCode))
	}
	if id := resp.Header.Get("X-Request-ID"); p.RequestId != id {
		errs = append(errs, fmt.Errorf("request_id %q but X-Request-ID %q", p.RequestId, id))
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
