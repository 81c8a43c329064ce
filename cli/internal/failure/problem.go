package failure

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"prana/shared/apimodels"
)

// Problem is an RFC 9457 problem document as the Prana services send it:
// the standard members plus request_id, code and one entry per invalid
// field. It is the generated type of api/common.yaml, decoded from the raw
// body of any answer that says it is problem+json, whatever operation the
// generated client thought it was calling.
type Problem = apimodels.Problem

// FieldError names one invalid request field.
type FieldError = apimodels.FieldError

// HTTPError is an answer with a status the command did not want.
type HTTPError struct {
	Op         string   // the operation that got the answer, e.g. "login"
	Status     int      // the HTTP status
	Problem    *Problem // nil when the body was no problem document
	RetryAfter string   // the Retry-After header, if any
}

// FromResponse builds the error for an unwanted answer.
func FromResponse(op string, resp *http.Response, body []byte) *HTTPError {
	e := &HTTPError{Op: op, Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	if isJSON(resp.Header.Get("Content-Type")) {
		var p Problem
		if json.Unmarshal(body, &p) == nil && (p.Title != "" || p.Detail != "") {
			e.Problem = &p
		}
	}
	return e
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func (e *HTTPError) Error() string {
	title := http.StatusText(e.Status)
	if e.Problem != nil && e.Problem.Title != "" {
		title = e.Problem.Title
	}
	return fmt.Sprintf("%s (HTTP %d)", title, e.Status)
}

func (e *HTTPError) code() int {
	switch {
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		return Auth
	case e.Status == http.StatusTooManyRequests || e.Status >= 500:
		return Server
	case e.Status >= 400:
		return Usage
	default: // a success or redirect status the command did not expect
		return Server
	}
}

// wrongPassword is a 401 that refuses the password a command sent (a
// password change, an account deletion), not the login: logging in again
// would not help.
func (e *HTTPError) wrongPassword() bool {
	return e.Problem != nil && e.Problem.Code == "wrong_password"
}

// write prints the problem's details, one fact per line, under the headline.
func (e *HTTPError) write(w io.Writer) {
	if p := e.Problem; p != nil {
		if p.Detail != "" {
			fmt.Fprintf(w, "  %s\n", p.Detail)
		}
		for _, f := range p.Errors {
			fmt.Fprintf(w, "  - %s: %s\n", f.Field, f.Message)
		}
	}
	if e.RetryAfter != "" {
		fmt.Fprintf(w, "  try again in %s s\n", e.RetryAfter)
	}
	if e.Status == http.StatusUnauthorized && e.Op != "login" && !e.wrongPassword() {
		fmt.Fprintln(w, "  log in again with: prana login")
	}
	if p := e.Problem; p != nil && p.RequestId != "" {
		fmt.Fprintf(w, "  request id: %s\n", p.RequestId)
	}
}
