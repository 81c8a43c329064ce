package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"prana/pdf/pdfclient"
	"prana/testkit/pdftest"
)

// TestNamesInOtherScripts: a Japanese name's PDF downloaded from the API
// and an Arabic name's PDF made by the worker both carry the name as text,
// drawn with the fallback fonts (make test-deps installs them).
func TestNamesInOtherScripts(t *testing.T) {
	t.Parallel()
	s := startStack(t, stackOptions{worker: true})

	ja := s.signupAndLogin(t, "花子", "山田")
	got := pdfLines(download(t, s.pdfClient(t, ja.Token), ja.ID))
	for _, want := range []string{"Name: 花子", "Surname: 山田"} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("downloaded PDF has no line %q; pdftotext gave:\n%s", want, got)
		}
	}

	ar := s.signupAndLogin(t, "محمد", "عبد الله")
	got = pdfLines(pdftest.Text(t, uploadAndFetch(t, s.pdfClient(t, ar.Token))))
	for _, want := range []string{"Name: محمد", "Surname: عبد الله"} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("uploaded PDF has no line %q; pdftotext gave:\n%s", want, got)
		}
	}
	s.shutdown(t)
}

// pdfLines undoes what pdftotext adds to right-to-left text (see the
// README): embedding marks around each run, and Arabic letters as the
// presentation forms drawn, which NFKC maps back to the letters typed.
func pdfLines(text string) string {
	text = strings.NewReplacer("\u202b", "", "\u202c", "").Replace(text)
	return norm.NFKC.String(text)
}

// uploadAndFetch asks for the caller's PDF in S3, waits for the worker to
// store it and returns the stored object.
func uploadAndFetch(t *testing.T, c *pdfclient.ClientWithResponses) []byte {
	t.Helper()
	up, err := c.UploadPdfToS3WithResponse(t.Context())
	if err != nil || up.StatusCode() != http.StatusAccepted || up.JSON202 == nil {
		t.Fatalf("upload-to-s3: %v %s", err, up.Body)
	}
	waitFor(t, 30*time.Second, "the upload job to be done", func() (bool, error) {
		j, err := c.GetJobWithResponse(t.Context(), up.JSON202.JobId)
		if err != nil || j.JSON200 == nil {
			return false, fmt.Errorf("GET job: %v %s", err, j.Body)
		}
		if j.JSON200.Status == pdfclient.Failed {
			return false, fmt.Errorf("job failed: %s", j.Body)
		}
		return j.JSON200.Status == pdfclient.Done, nil
	})
	status, _, body, err := fetchPublic(up.JSON202.Url)
	if err != nil || status != http.StatusOK {
		t.Fatalf("anonymous GET %s: %d %v", up.JSON202.Url, status, err)
	}
	return body
}
