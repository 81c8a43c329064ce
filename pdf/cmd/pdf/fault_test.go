package main

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"prana/pdf/internal/adapters/awstest"
	"prana/pdf/internal/config"
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
	if r, _ := s.do(t, http.MethodGet, "/readyz", nil); r.StatusCode != http.StatusOK {
		t.Errorf("/readyz after recovery: %d, want 200", r.StatusCode)
	}
}
