package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/google/uuid"

	"prana/pdf/pdfclient"
	"prana/testkit/awstest"
)

// upload calls POST /api/pdf/upload-to-s3.
func (s *service) upload(t *testing.T, authorization string) *pdfclient.UploadPdfToS3Response {
	t.Helper()
	resp, err := s.client.UploadPdfToS3WithResponse(context.Background(), bearer(authorization))
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	return resp
}

func TestUploadQueuesJob(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure)
	u := newUser()
	auth := "Bearer " + iss.token(t, u)

	resp := s.upload(t, auth)
	if resp.StatusCode() != http.StatusAccepted || resp.JSON202 == nil {
		t.Fatalf("upload: status %d, body %s", resp.StatusCode(), resp.Body)
	}
	acc := *resp.JSON202
	// With the default local stack this is exactly
	// http://localhost:4566/user-pdfs/profile_<id>.pdf: the same formula on
	// the test's emulator and bucket.
	wantURL := s.endpoint + "/" + s.cfg.BucketName + "/profile_" + u.ID + ".pdf"
	if acc.Status != pdfclient.Accepted || acc.UserId.String() != u.ID || acc.Message == "" ||
		acc.JobId == uuid.Nil || acc.Url != wantURL {
		t.Errorf("202 body %+v; want status accepted, user_id %s, a message, a job id, url %s", acc, u.ID, wantURL)
	}
	location := resp.HTTPResponse.Header.Get("Location")
	if want := "/api/pdf/jobs/" + acc.JobId.String(); location != want {
		t.Errorf("Location %q, want %q", location, want)
	}

	// The task is on the queue: the seed's profile JSON plus the job id.
	out, err := s.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(s.queueURL(t, "")), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 {
		t.Fatalf("%d messages on the queue, want 1", len(out.Messages))
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(out.Messages[0].Body)), &body); err != nil {
		t.Fatalf("message body: %v", err)
	}
	for k, want := range map[string]string{
		"id": u.ID, "name": u.Name, "surname": u.Surname, "email": u.Email,
		"date_of_birth": u.DateOfBirth, "job_id": acc.JobId.String(),
	} {
		if got, _ := body[k].(string); got != want {
			t.Errorf("message %s = %v, want %q", k, body[k], want)
		}
	}

	// Following Location shows the job, queued.
	r, data := s.do(t, http.MethodGet, location, http.Header{"Authorization": {auth}})
	var job pdfclient.Job
	if r.StatusCode != http.StatusOK || json.Unmarshal(data, &job) != nil {
		t.Fatalf("GET %s: status %d, body %s", location, r.StatusCode, data)
	}
	if job.Status != pdfclient.Queued || job.JobId != acc.JobId || job.Url != wantURL || job.UpdatedAt.IsZero() {
		t.Errorf("job %+v, want queued with the upload's id and url", job)
	}

	// Another user's job does not exist for them.
	other := "Bearer " + iss.token(t, newUser())
	r, data = s.do(t, http.MethodGet, location, http.Header{"Authorization": {other}})
	if p := problemOf(t, http.StatusNotFound, r, data); p.Code != "job_not_found" {
		t.Errorf("another user's job: code %q", p.Code)
	}
	// Neither does an unknown id; a non-UUID is a bad request.
	r, data = s.do(t, http.MethodGet, "/api/pdf/jobs/"+uuid.NewString(), http.Header{"Authorization": {auth}})
	problemOf(t, http.StatusNotFound, r, data)
	r, data = s.do(t, http.MethodGet, "/api/pdf/jobs/not-a-uuid", http.Header{"Authorization": {auth}})
	problemOf(t, http.StatusBadRequest, r, data)
}

// TestUploadQueueUnavailable removes the queue from under a running
// service: the upload must fail fast with 503 and leave no job claiming to
// be queued.
func TestUploadQueueUnavailable(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure)
	auth := "Bearer " + iss.token(t, newUser())
	if _, err := s.sqs.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(s.queueURL(t, ""))}); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	resp := s.upload(t, auth)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("503 took %s", took)
	}
	if resp.StatusCode() != http.StatusServiceUnavailable {
		t.Fatalf("upload with no queue: status %d, want 503; body %s", resp.StatusCode(), resp.Body)
	}
	if ra, err := strconv.Atoi(resp.HTTPResponse.Header.Get("Retry-After")); err != nil || ra < 1 {
		t.Errorf("Retry-After %q, want a number of seconds", resp.HTTPResponse.Header.Get("Retry-After"))
	}
	if p := resp.ApplicationproblemJSON503; p == nil || p.Code != "queue_unavailable" {
		t.Errorf("503 problem %s", resp.Body)
	}

	// The job was recorded before publishing; it must now say failed.
	statuses := jobStatuses(t, s)
	if len(statuses) != 1 {
		t.Fatalf("%d job records, want the one of the refused upload", len(statuses))
	}
	for id, st := range statuses {
		if st != "failed" {
			t.Errorf("job %s left %q after a 503, want failed", id, st)
		}
	}

	// Readiness sees it too, within the second its checks are cached.
	awstest.Eventually(t, 5*time.Second, "readyz names the missing queue", func() bool {
		ready, err := s.client.GetReadyWithResponse(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return ready.StatusCode() == http.StatusServiceUnavailable && ready.JSON503 != nil && (*ready.JSON503.Checks)["sqs"] == "unavailable"
	})
}

// jobStatuses reads every job record in the service's bucket.
func jobStatuses(t *testing.T, s *service) map[string]string {
	t.Helper()
	ctx := context.Background()
	client := awstest.S3(t, s.endpoint)
	list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(s.cfg.BucketName), Prefix: aws.String("jobs/")})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, obj := range list.Contents {
		got, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.cfg.BucketName), Key: obj.Key})
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(got.Body)
		got.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			Status string `json:"status"`
		}
		if err := json.Unmarshal(data, &rec); err != nil {
			t.Fatalf("%s: %v", aws.ToString(obj.Key), err)
		}
		out[aws.ToString(obj.Key)] = rec.Status
	}
	return out
}
