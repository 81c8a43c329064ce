package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"prana/pdf/pdfclient"
)

// upload queues an upload job for the client's user, sending requestID as
// X-Request-ID when not "", and returns the accepted answer.
func upload(t *testing.T, c *pdfclient.ClientWithResponses, requestID string) *pdfclient.UploadAccepted {
	t.Helper()
	up, err := c.UploadPdfToS3WithResponse(t.Context(), func(_ context.Context, r *http.Request) error {
		if requestID != "" {
			r.Header.Set("X-Request-ID", requestID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("upload-to-s3: %v", err)
	}
	if up.StatusCode() != http.StatusAccepted || up.JSON202 == nil {
		t.Fatalf("upload-to-s3: %s %s", up.Status(), up.Body)
	}
	return up.JSON202
}

// waitDone waits until the job is done, failing the test if it fails.
func waitDone(t *testing.T, c *pdfclient.ClientWithResponses, id uuid.UUID, within time.Duration) {
	t.Helper()
	waitFor(t, within, "job "+id.String()+" done", func() (bool, error) {
		j, err := c.GetJobWithResponse(t.Context(), id)
		if err != nil {
			return false, err
		}
		if j.JSON200 == nil {
			return false, fmt.Errorf("GET job: %s %s", j.Status(), j.Body)
		}
		if j.JSON200.Status == pdfclient.Failed {
			return false, fmt.Errorf("job failed: %s", j.Body)
		}
		return j.JSON200.Status == pdfclient.Done, nil
	})
}

// logLines are the JSON log lines of p that have every one of the given
// key/value pairs.
func logLines(p *proc, kv map[string]string) []map[string]any {
	var out []map[string]any
	for l := range strings.Lines(p.log()) {
		var rec map[string]any
		if json.Unmarshal([]byte(l), &rec) != nil {
			continue
		}
		match := true
		for k, v := range kv {
			if s, _ := rec[k].(string); s != v {
				match = false
			}
		}
		if match {
			out = append(out, rec)
		}
	}
	return out
}

// TestRequestIDReachesTheWorkerLog: the X-Request-ID a client sends with an
// upload is on the worker's log lines for that job.
func TestRequestIDReachesTheWorkerLog(t *testing.T) {
	t.Parallel()
	s := startStack(t, stackOptions{})
	w := s.startWorker(t)
	u := s.signupAndLogin(t, "Іван", "Петренко")
	c := s.pdfClient(t, u.Token)
	reqID := "e2e-req-" + randomHex(8)

	acc := upload(t, c, reqID)
	waitDone(t, c, acc.JobId, 30*time.Second)
	waitFor(t, 5*time.Second, "the worker's done line", func() (bool, error) {
		return len(logLines(w, map[string]string{"msg": "task done", "job_id": acc.JobId.String()})) > 0, nil
	})
	lines := logLines(w, map[string]string{"job_id": acc.JobId.String()})
	for _, l := range lines {
		if l["request_id"] != reqID {
			t.Errorf("worker log line for the job without request_id %q: %v", reqID, l)
		}
	}
	// The API's access log line for the upload carries the same id.
	var api *proc
	for _, p := range s.procs {
		if p.name == "pdf" {
			api = p
		}
	}
	if len(logLines(api, map[string]string{"msg": "request", "request_id": reqID})) != 1 {
		t.Errorf("the pdf service's access log has no line with request_id %q", reqID)
	}
}

// TestWorkerKilledMidJob kills the worker with SIGKILL while it uploads a
// PDF. After the visibility timeout another worker gets the job again and
// stores exactly the bytes the killed one was sending.
func TestWorkerKilledMidJob(t *testing.T) {
	t.Parallel()
	s := startStack(t, stackOptions{env: faultEnv})
	gate := newUploadGate(t)
	first := s.startWorker(t, "AWS_ENDPOINT_URL="+gate.URL)
	u := s.signupAndLogin(t, "Zoë", "Ñúñez")
	c := s.pdfClient(t, u.Token)
	acc := upload(t, c, "")

	var sending []byte
	select {
	case sending = <-gate.started:
	case <-time.After(30 * time.Second):
		t.Fatal("the worker never began the upload")
	}
	s.kill(t, first)
	killed := time.Now()

	second := s.startWorker(t)
	waitDone(t, c, acc.JobId, 30*time.Second)
	t.Logf("job done %s after the SIGKILL", time.Since(killed).Round(time.Millisecond))
	status, _, stored, err := fetchPublic(acc.Url)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET %s: %d %v", acc.Url, status, err)
	}
	if !bytes.Equal(stored, sending) {
		t.Errorf("stored PDF (%d bytes) differs from what the killed worker was sending (%d bytes)", len(stored), len(sending))
	}
	done := logLines(second, map[string]string{"msg": "task done", "job_id": acc.JobId.String()})
	if len(done) != 1 || done[0]["attempt"] != float64(2) {
		t.Errorf("the second worker's done lines for the job: %v; want one, attempt 2", done)
	}
}
