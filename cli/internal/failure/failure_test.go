package failure_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"

	"prana/cli/internal/failure"
)

func answer(status int, contentType, body string) *failure.HTTPError {
	resp := &http.Response{StatusCode: status, Header: http.Header{}}
	if contentType != "" {
		resp.Header.Set("Content-Type", contentType)
	}
	return failure.FromResponse("op", resp, []byte(body))
}

func TestCode(t *testing.T) {
	t.Parallel()
	refused := &url.Error{Op: "Get", URL: "http://localhost:1/x", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, failure.OK},
		{"usage", failure.Usagef("missing --email"), failure.Usage},
		{"usage already printed", &failure.Reported{Err: failure.Usagef("bad flag")}, failure.Usage},
		{"not logged in", &failure.AuthError{Msg: "not logged in"}, failure.Auth},
		{"400", answer(400, "", ""), failure.Usage},
		{"401", answer(401, "", ""), failure.Auth},
		{"403", answer(403, "", ""), failure.Auth},
		{"404", answer(404, "", ""), failure.Usage},
		{"409", answer(409, "", ""), failure.Usage},
		{"422", answer(422, "", ""), failure.Usage},
		{"429", answer(429, "", ""), failure.Server},
		{"500", answer(500, "", ""), failure.Server},
		{"503", answer(503, "", ""), failure.Server},
		{"unexpected 204", answer(204, "", ""), failure.Server},
		{"connection refused", &failure.NetworkError{Service: "auth", URL: "http://x", Err: refused}, failure.Server},
		{"bare url error", fmt.Errorf("me: %w", refused), failure.Server},
		{"timeout", fmt.Errorf("wait: %w", context.DeadlineExceeded), failure.Server},
		{"bad answer", &failure.ServerError{Msg: "unreadable"}, failure.Server},
		{"wrapped auth", fmt.Errorf("x: %w", answer(401, "", "")), failure.Auth},
		{"local file", fmt.Errorf("save the PDF: %w", os.ErrPermission), failure.Usage},
	} {
		if got := failure.Code(tc.err); got != tc.want {
			t.Errorf("%s: Code(%v) = %d, want %d", tc.name, tc.err, got, tc.want)
		}
	}
}

func TestPrintShowsTheProblemPlainly(t *testing.T) {
	t.Parallel()
	e := answer(422, "application/problem+json; charset=utf-8", `{"type":"about:blank","title":"Unprocessable Entity",
		"status":422,"detail":"The request has invalid fields.","request_id":"req-1","code":"validation_failed",
		"errors":[{"field":"email","message":"must be an email address"},{"field":"date_of_birth","message":"must not be in the future"}]}`)
	e.Op = "signup"
	var out strings.Builder
	failure.Print(&out, "signup", e)
	want := `prana signup: Unprocessable Entity (HTTP 422)
  The request has invalid fields.
  - email: must be an email address
  - date_of_birth: must not be in the future
  request id: req-1
`
	if out.String() != want {
		t.Errorf("Print wrote:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestPrintRetryAfterAndLoginHint(t *testing.T) {
	t.Parallel()
	resp := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {"5"}}}
	var out strings.Builder
	failure.Print(&out, "me", failure.FromResponse("me", resp, []byte("<html>bad gateway</html>")))
	if got := out.String(); !strings.Contains(got, "Service Unavailable (HTTP 503)") || !strings.Contains(got, "try again in 5 s") {
		t.Errorf("503 without a problem document printed:\n%s", got)
	}

	out.Reset()
	failure.Print(&out, "me", answer(401, "application/problem+json", `{"title":"Unauthorized","detail":"token expired"}`))
	if got := out.String(); !strings.Contains(got, "token expired") || !strings.Contains(got, "prana login") {
		t.Errorf("401 printed:\n%s", got)
	}
}

func TestPrintNetworkAndReported(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	err := &failure.NetworkError{Service: "pdf", URL: "http://localhost:8002",
		Err: &url.Error{Op: "Get", URL: "http://localhost:8002/api/pdf/download", Err: syscall.ECONNREFUSED}}
	failure.Print(&out, "pdf download", err)
	want := "prana pdf download: cannot reach the pdf service at http://localhost:8002: connection refused\n" +
		"  is it running? Set its address with --pdf-url or PRANA_PDF_URL\n"
	if out.String() != want {
		t.Errorf("Print wrote %q, want %q", out.String(), want)
	}

	out.Reset()
	failure.Print(&out, "me", &failure.Reported{Err: errors.New("flag provided but not defined: -x")})
	if out.Len() != 0 {
		t.Errorf("an error the flag package already printed was printed again: %q", out.String())
	}
}
