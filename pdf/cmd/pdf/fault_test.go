package main

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/google/uuid"

	"prana/pdf/internal/config"
	"prana/pdf/pdfclient"
	"prana/testkit/awstest"
)

// TestUploadWhileS3AndSQSAreDown takes the S3/SQS endpoint away from a
// running service: uploads answer 503 with Retry-After promptly (never a
// 202 for a job that is not queued), /readyz says so, and the service
// recovers by itself when the endpoint returns.
func TestUploadWhileS3AndSQSAreDown(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	sw := awstest.NewSwitch(t)
	s := newService(t, iss.configure, func(c *config.Config) { c.AWSEndpointURL = sw.URL })
	direct := awstest.SQS(t, awstest.Start(t)) // the test's view, past the switch
	auth := "Bearer " + iss.token(t, newUser())

	sw.Down(t)
	for i := range 3 {
		start := time.Now()
		resp := s.upload(t, auth)
		took := time.Since(start)
		if resp.StatusCode() != http.StatusServiceUnavailable {
			t.Fatalf("upload %d with S3/SQS down: status %d, want 503; body %s", i, resp.StatusCode(), resp.Body)
		}
		if ra, err := strconv.Atoi(resp.HTTPResponse.Header.Get("Retry-After")); err != nil || ra < 1 {
			t.Errorf("Retry-After %q, want a number of seconds", resp.HTTPResponse.Header.Get("Retry-After"))
		}
		if took > 5*time.Second {
			t.Errorf("the 503 took %s, want it within 5 s", took)
		}
		t.Logf("upload %d answered 503 in %s", i, took.Round(time.Millisecond))
	}
	if r, _ := s.do(t, http.MethodGet, "/readyz", nil); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz with S3/SQS down: %d, want 503", r.StatusCode)
	}

	sw.Up(t)
	var resp = s.upload(t, auth)
	for deadline := time.Now().Add(10 * time.Second); resp.StatusCode() != http.StatusAccepted && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		resp = s.upload(t, auth)
	}
	if resp.StatusCode() != http.StatusAccepted || resp.JSON202 == nil {
		t.Fatalf("upload after the endpoint returned: status %d, body %s", resp.StatusCode(), resp.Body)
	}
	// Exactly the accepted job is on the queue: none of the refused ones.
	out, err := direct.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(s.queueURL(t, "")), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 {
		t.Errorf("%d messages queued, want only the accepted upload's", len(out.Messages))
	}
	// /readyz reuses a check's result for a second (health.CacheTTL).
	awstest.Eventually(t, 5*time.Second, "/readyz 200 after recovery", func() bool {
		r, _ := s.do(t, http.MethodGet, "/readyz", nil)
		return r.StatusCode == http.StatusOK
	})
}

// TestStartDuringAWSOutage starts the service while S3 and SQS cannot be
// reached (its queue and bucket do not exist yet either). It must come up:
// downloads, which need neither, are served; uploads and job status answer
// 503 with Retry-After at once; /readyz names s3 and sqs. Once AWS answers
// the service creates its queue and bucket by itself, uploads are
// accepted and their jobs stored, and /readyz says ready.
func TestStartDuringAWSOutage(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	sw := awstest.NewSwitch(t)
	sw.Down(t)
	s := newService(t, iss.configure, func(c *config.Config) { c.AWSEndpointURL = sw.URL })
	u := newUser()
	auth := http.Header{"Authorization": {"Bearer " + iss.token(t, u)}}

	if resp := s.download(t, auth.Get("Authorization"), ""); resp.StatusCode() != http.StatusOK {
		t.Fatalf("download during the outage: status %d, want 200; body %s", resp.StatusCode(), resp.Body)
	}
	jobPath := "/api/pdf/jobs/" + uuid.NewString()
	for _, call := range []struct{ method, path string }{
		{http.MethodPost, "/api/pdf/upload-to-s3"}, {http.MethodGet, jobPath},
	} {
		start := time.Now()
		resp, body := s.do(t, call.method, call.path, auth)
		if took := time.Since(start); took > time.Second {
			t.Errorf("%s %s took %s during the outage, want an answer at once", call.method, call.path, took)
		}
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("%s %s during the outage: status %d, want 503; body %s", call.method, call.path, resp.StatusCode, body)
		}
		if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 {
			t.Errorf("%s %s: Retry-After %q, want a number of seconds", call.method, call.path, resp.Header.Get("Retry-After"))
		}
		if p := problemOf(t, resp.StatusCode, resp, body); p.Code != "queue_unavailable" {
			t.Errorf("%s %s: problem code %q, want queue_unavailable", call.method, call.path, p.Code)
		}
	}
	ready, err := s.client.GetReadyWithResponse(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if ready.StatusCode() != http.StatusServiceUnavailable || ready.JSON503 == nil || ready.JSON503.Checks == nil {
		t.Fatalf("/readyz during the outage: status %d, body %s", ready.StatusCode(), ready.Body)
	}
	checks := *ready.JSON503.Checks
	if checks["s3"] != "unavailable" || checks["sqs"] != "unavailable" || checks["token_keys"] != "ok" {
		t.Errorf("/readyz checks during the outage %v, want s3 and sqs unavailable, token_keys ok", checks)
	}

	sw.Up(t)
	awstest.Eventually(t, 15*time.Second, "/readyz 200 after AWS returned", func() bool {
		r, _ := s.do(t, http.MethodGet, "/readyz", nil)
		return r.StatusCode == http.StatusOK
	})
	resp := s.upload(t, auth.Get("Authorization"))
	if resp.StatusCode() != http.StatusAccepted || resp.JSON202 == nil {
		t.Fatalf("upload after AWS returned: status %d, body %s", resp.StatusCode(), resp.Body)
	}
	job, err := s.client.GetJobWithResponse(context.Background(), resp.JSON202.JobId, bearer(auth.Get("Authorization")))
	if err != nil {
		t.Fatal(err)
	}
	if job.StatusCode() != http.StatusOK || job.JSON200 == nil || job.JSON200.Status != pdfclient.Queued {
		t.Errorf("job status after AWS returned: status %d, body %s", job.StatusCode(), job.Body)
	}
	// The job is stored, and its task is on the queue the service created.
	if statuses := jobStatuses(t, s); statuses["jobs/"+resp.JSON202.UserId.String()+"/"+resp.JSON202.JobId.String()+".json"] != "queued" {
		t.Errorf("job records %v, want the accepted job queued", statuses)
	}
	out, err := s.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(s.queueURL(t, "")), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 {
		t.Errorf("%d messages queued, want the accepted upload's", len(out.Messages))
	}
	if n := sw.Attempts(); n > 100 {
		t.Errorf("%d connection attempts during the outage: the set-up does not back off", n)
	}
}
