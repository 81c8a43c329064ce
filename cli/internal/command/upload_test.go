package command

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"prana/cli/internal/failure"
)

const jobID = "0192e4c5-7a8b-7c3d-9e0f-1a2b3c4d5e6f"

// fakePDF answers the upload with 202 and then each job poll with the next
// of states ("queued", "done", "503", …), repeating the last one.
func fakePDF(t *testing.T, states ...string) *httptest.Server {
	t.Helper()
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/pdf/upload-to-s3":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprintf(w, `{"status":"accepted","user_id":%q,"message":"Task queued successfully","job_id":%q,"url":"http://s3/b/p.pdf"}`, jobID, jobID)
		case r.URL.Path == "/api/pdf/jobs/"+jobID:
			n := int(polls.Add(1)) - 1
			state := states[min(n, len(states)-1)]
			if state == "503" {
				w.Header().Set("Content-Type", "application/problem+json")
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusServiceUnavailable)
				io.WriteString(w, `{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"S3 is unreachable","request_id":"r1"}`)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			errField := ""
			if state == "failed" {
				errField = `,"error":"render: font missing"`
			}
			fmt.Fprintf(w, `{"job_id":%q,"status":%q,"url":"http://s3/b/p.pdf","updated_at":"2026-01-01T00:00:00Z"%s}`, jobID, state, errField)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestUploadWait(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		states    []string
		args      []string
		code      int
		stdout    string
		stderrHas []string
	}{
		{"done", []string{"queued", "processing", "done"}, nil, failure.OK, "http://s3/b/p.pdf\n",
			[]string{"job " + jobID + ": queued", ": processing", ": done"}},
		{"a passing 503 is retried", []string{"503", "done"}, nil, failure.OK, "http://s3/b/p.pdf\n",
			[]string{"Service Unavailable (HTTP 503); retrying", ": done"}},
		{"failed job", []string{"processing", "failed"}, nil, failure.Server, "",
			[]string{"job " + jobID + " failed: render: font missing"}},
		{"timeout", []string{"queued"}, []string{"--timeout", "500ms"}, failure.Server, "",
			[]string{"gave up after 500ms: job " + jobID + " is still queued"}},
		{"json", []string{"done"}, []string{"--json"}, failure.OK,
			`{"job_id":"` + jobID + `","status":"done","updated_at":"2026-01-01T00:00:00Z","url":"http://s3/b/p.pdf"}` + "\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fakePDF(t, tc.states...)
			args := append([]string{"pdf", "upload", "--wait", "--pdf-url", srv.URL}, tc.args...)
			r := runCLI(t, loggedIn(t), nil, "", args...)
			r.want(t, tc.code, tc.stderrHas...)
			if r.stdout != tc.stdout {
				t.Errorf("stdout %q, want %q", r.stdout, tc.stdout)
			}
		})
	}
}

func TestUploadWithoutWait(t *testing.T) {
	t.Parallel()
	srv := fakePDF(t, "queued")
	r := runCLI(t, loggedIn(t), nil, "", "pdf", "upload", "--pdf-url", srv.URL)
	r.want(t, failure.OK)
	if want := "job: " + jobID + "\nurl: http://s3/b/p.pdf\n"; r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
}

func TestServerAnswersBecomeExitCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status    int
		retry     string
		code      int
		stderrHas []string
	}{
		{401, "", failure.Auth, []string{"Unauthorized (HTTP 401)", "token expired", "prana login"}},
		{503, "7", failure.Server, []string{"(HTTP 503)", "token expired", "try again in 7 s", "request id: r9"}},
		{500, "", failure.Server, []string{"(HTTP 500)"}},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			if tc.retry != "" {
				w.Header().Set("Retry-After", tc.retry)
			}
			w.WriteHeader(tc.status)
			fmt.Fprintf(w, `{"type":"about:blank","title":%q,"status":%d,"detail":"token expired","request_id":"r9"}`,
				http.StatusText(tc.status), tc.status)
		}))
		r := runCLI(t, loggedIn(t), nil, "", "pdf", "download", "--pdf-url", srv.URL)
		srv.Close()
		r.want(t, tc.code, tc.stderrHas...)
		if r.stdout != "" {
			t.Errorf("%d: stdout %q", tc.status, r.stdout)
		}
	}
}

func TestSignupSendsThePipedPasswordAndNeverPrintsIt(t *testing.T) {
	t.Parallel()
	var body atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body.Store(string(b))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"`+jobID+`","name":"Ann","surname":"Lee","email":"ann@example.com",
			"date_of_birth":"1990-01-01","created_at":"2026-01-01T00:00:00Z"}`)
	}))
	defer srv.Close()
	r := runCLI(t, t.TempDir(), nil, "s3cret pass\n", "signup", "--auth-url", srv.URL, "--name", "Ann",
		"--surname", "Lee", "--email", "ann@example.com", "--date-of-birth", "1990-01-01")
	r.want(t, failure.OK)
	if got, _ := body.Load().(string); !strings.Contains(got, `"password":"s3cret pass"`) {
		t.Errorf("request body %s lacks the piped password", got)
	}
	if strings.Contains(r.stdout+r.stderr, "s3cret") {
		t.Errorf("the password was printed: %q %q", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "Signed up Ann Lee <ann@example.com>") {
		t.Errorf("stdout %q", r.stdout)
	}
}
