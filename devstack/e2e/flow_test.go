package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"prana/auth/authclient"
	"prana/pdf/pdfclient"
	"prana/testkit/pdftest"
)

// user is an account made through the auth API, with a fresh login token.
type user struct {
	ID, Name, Surname, Email, Password, Token, Refresh string
}

// signupAndLogin creates a user through the generated auth client and logs
// in. The password and the token are registered as log secrets.
func (s *stack) signupAndLogin(t *testing.T, name, surname string) user {
	t.Helper()
	ctx := t.Context()
	c, err := authclient.NewClientWithResponses(s.AuthURL, authclient.WithHTTPClient(httpClient))
	if err != nil {
		t.Fatal(err)
	}
	u := user{Name: name, Surname: surname, Email: "e2e-" + randomHex(6) + "@example.com",
		Password: "pw-" + randomHex(12)}
	s.secret(u.Password)
	su, err := c.SignupWithResponse(ctx, authclient.SignupRequest{
		Name: name, Surname: surname, Email: u.Email, DateOfBirth: "1990-02-28", Password: u.Password,
	})
	if err != nil {
		t.Fatalf("signup: %v", err)
	}
	if su.StatusCode() != http.StatusCreated || su.JSON201 == nil {
		t.Fatalf("signup: %s %s", su.Status(), su.Body)
	}
	if su.JSON201.Name != name || su.JSON201.Surname != surname {
		t.Fatalf("signup echoed %q %q, want %q %q", su.JSON201.Name, su.JSON201.Surname, name, surname)
	}
	u.ID = su.JSON201.Id.String()
	li, err := c.LoginWithResponse(ctx, authclient.LoginRequest{Email: u.Email, Password: u.Password})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if li.StatusCode() != http.StatusOK || li.JSON200 == nil || li.JSON200.AccessToken == "" {
		t.Fatalf("login: %s %s", li.Status(), li.Body)
	}
	u.Token, u.Refresh = li.JSON200.AccessToken, li.JSON200.RefreshToken
	s.secret(u.Token, u.Refresh)
	return u
}

// pdfClient is the generated pdf client sending token as a Bearer token.
func (s *stack) pdfClient(t testing.TB, token string) *pdfclient.ClientWithResponses {
	t.Helper()
	c, err := pdfclient.NewClientWithResponses(s.PDFURL, pdfclient.WithHTTPClient(httpClient),
		pdfclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// download fetches the caller's profile PDF and returns its text.
func download(t *testing.T, c *pdfclient.ClientWithResponses, userID string) string {
	t.Helper()
	dl, err := c.DownloadPdfWithResponse(t.Context(), nil)
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	if dl.StatusCode() != http.StatusOK {
		t.Fatalf("download: %s %s", dl.Status(), dl.Body)
	}
	if ct := dl.ContentType(); ct != "application/pdf" {
		t.Errorf("download Content-Type = %q, want application/pdf", ct)
	}
	want := `filename="profile_` + userID + `.pdf"`
	if cd := dl.HTTPResponse.Header.Get("Content-Disposition"); !strings.Contains(cd, want) {
		t.Errorf("download Content-Disposition = %q, want it to contain %s", cd, want)
	}
	return pdftest.Text(t, dl.Body)
}

// hasWords fails the test unless each word is a whole word of text.
func hasWords(t testing.TB, what, text string, words ...string) {
	t.Helper()
	fields := strings.Fields(text)
	for _, w := range words {
		if !slices.Contains(fields, w) {
			t.Errorf("%s: text has no word %q; pdftotext gave:\n%s", what, w, text)
		}
	}
}

// profileLines are the text lines of a profile PDF without the generation
// time, which differs between two renderings of one profile.
func profileLines(text string) []string {
	var out []string
	for l := range strings.Lines(text) {
		if l = strings.TrimSpace(l); l != "" && !strings.Contains(l, "Generated") {
			out = append(out, l)
		}
	}
	return out
}

// fetchPublic GETs url with no credentials at all, as a user's browser would.
func fetchPublic(url string) (int, string, []byte, error) {
	resp, err := httpClient.Get(url)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), body, err
}

// TestSignupDownloadUploadFlow walks the whole system as a user does:
// signup, login, download, upload to S3 through the queue and the worker,
// then the public object URL; then it stops every process.
func TestSignupDownloadUploadFlow(t *testing.T) {
	t.Parallel()
	s := startStack(t, stackOptions{worker: true})
	u := s.signupAndLogin(t, "Іван", "Петренко")
	pdf := s.pdfClient(t, u.Token)

	downloaded := download(t, pdf, u.ID)
	hasWords(t, "download", downloaded, "Іван", "Петренко", u.Email)

	up, err := pdf.UploadPdfToS3WithResponse(t.Context())
	if err != nil {
		t.Fatalf("upload-to-s3: %v", err)
	}
	if up.StatusCode() != http.StatusAccepted || up.JSON202 == nil {
		t.Fatalf("upload-to-s3: %s %s", up.Status(), up.Body)
	}
	acc := up.JSON202
	wantURL := kumoURL + "/" + s.Bucket + "/profile_" + u.ID + ".pdf"
	if acc.Url != wantURL || acc.UserId.String() != u.ID || acc.Status != pdfclient.Accepted {
		t.Errorf("upload-to-s3 answered %+v; want url %s, user_id %s, status accepted", *acc, wantURL, u.ID)
	}
	if loc := up.HTTPResponse.Header.Get("Location"); !strings.HasSuffix(loc, "/api/pdf/jobs/"+acc.JobId.String()) {
		t.Errorf("upload-to-s3 Location = %q, want …/api/pdf/jobs/%s", loc, acc.JobId)
	}

	start := time.Now()
	waitFor(t, 30*time.Second, "the upload job to be done", func() (bool, error) {
		j, err := pdf.GetJobWithResponse(t.Context(), acc.JobId)
		if err != nil {
			return false, err
		}
		if j.StatusCode() != http.StatusOK || j.JSON200 == nil {
			return false, fmt.Errorf("GET job: %s %s", j.Status(), j.Body)
		}
		switch j.JSON200.Status {
		case pdfclient.Done:
			if j.JSON200.Url != wantURL {
				return false, fmt.Errorf("job url %q, want %q", j.JSON200.Url, wantURL)
			}
			return true, nil
		case pdfclient.Failed:
			return false, fmt.Errorf("job failed: %s", j.Body)
		}
		return false, nil
	})
	t.Logf("job done %s after the 202", time.Since(start).Round(time.Millisecond))

	status, ct, body, err := fetchPublic(acc.Url)
	if err != nil || status != http.StatusOK {
		t.Fatalf("anonymous GET %s: %d %v", acc.Url, status, err)
	}
	if ct != "application/pdf" {
		t.Errorf("stored object Content-Type = %q, want application/pdf", ct)
	}
	stored := pdftest.Text(t, body)
	if got, want := profileLines(stored), profileLines(downloaded); !slices.Equal(got, want) {
		t.Errorf("stored PDF text differs from the download:\nstored:   %q\ndownload: %q", got, want)
	}

	// Job state lives in the bucket, so it survives a restart of the API.
	s.restartPDF(t)
	again, err := s.pdfClient(t, u.Token).GetJobWithResponse(t.Context(), acc.JobId)
	if err != nil || again.JSON200 == nil || again.JSON200.Status != pdfclient.Done {
		t.Fatalf("job after a pdf restart: %v %s", err, again.Body)
	}

	// Graceful shutdown with everything idle: each binary exits 0 in time.
	s.shutdown(t)
}
