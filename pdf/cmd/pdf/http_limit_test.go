package main

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"prana/pdf/internal/adapters/s3store"
	"prana/pdf/internal/config"
	"prana/pdf/internal/domain"
	"prana/testkit/awstest"
)

// awayFromMinuteEnd waits out the last seconds of a minute: the upload
// limit counts per calendar minute, and a test that sends its uploads
// across a boundary would see two windows.
func awayFromMinuteEnd(t *testing.T) {
	t.Helper()
	if left := time.Until(time.Now().Truncate(time.Minute).Add(time.Minute)); left < 15*time.Second {
		time.Sleep(left + 100*time.Millisecond)
	}
}

// accepted checks a 202 and returns its job id and Location.
func accepted(t *testing.T, s *service, auth string) (jobID, location string) {
	t.Helper()
	resp := s.upload(t, auth)
	if resp.StatusCode() != http.StatusAccepted || resp.JSON202 == nil {
		t.Fatalf("upload: status %d, body %s", resp.StatusCode(), resp.Body)
	}
	return resp.JSON202.JobId.String(), resp.HTTPResponse.Header.Get("Location")
}

// While a user's job is queued, more uploads answer with it; the seventh
// request of the minute is refused with 429 and the seconds left.
func TestUploadLimitAndDedup(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure)
	auth := "Bearer " + iss.token(t, newUser())
	awayFromMinuteEnd(t)

	first, location := accepted(t, s, auth)
	for i := 2; i <= 6; i++ {
		id, loc := accepted(t, s, auth)
		if id != first || loc != location {
			t.Fatalf("upload %d while the first job is queued: job %s at %s, want %s at %s", i, id, loc, first, location)
		}
	}
	if n := len(jobStatuses(t, s)); n != 1 {
		t.Errorf("%d job records after 6 uploads of one running job, want 1", n)
	}
	resp := s.upload(t, auth)
	if resp.StatusCode() != http.StatusTooManyRequests {
		t.Fatalf("7th upload in a minute: status %d, want 429; body %s", resp.StatusCode(), resp.Body)
	}
	ra, err := strconv.Atoi(resp.HTTPResponse.Header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 60 {
		t.Errorf("Retry-After %q, want 1–60 seconds", resp.HTTPResponse.Header.Get("Retry-After"))
	}
	if p := resp.ApplicationproblemJSON429; p == nil || p.Code != "rate_limited" {
		t.Errorf("429 problem %s", resp.Body)
	}
	// Another user is not held back.
	accepted(t, s, "Bearer "+iss.token(t, newUser()))
}

// Once the worker has settled the job, the next upload is a new job.
func TestUploadAfterJobDone(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure)
	u := newUser()
	auth := "Bearer " + iss.token(t, u)

	first, _ := accepted(t, s, auth)
	if again, _ := accepted(t, s, auth); again != first {
		t.Fatalf("second upload while queued: job %s, want %s", again, first)
	}
	// What the worker writes when it has stored the PDF.
	store := s3store.New(awstest.S3(t, s.endpoint), s3store.Config{Bucket: s.cfg.BucketName})
	if err := store.SaveJob(context.Background(), domain.Job{
		ID: first, UserID: u.ID, Status: domain.JobDone, UpdatedAt: time.Now().UTC(),
	}); err != nil {
		t.Fatal(err)
	}
	next, location := accepted(t, s, auth)
	if next == first || location != "/api/pdf/jobs/"+next {
		t.Fatalf("upload after the job is done: job %s at %s, want a new job", next, location)
	}
	if uuid.MustParse(next).String() != next {
		t.Errorf("job id %s is not canonical", next)
	}
}

// Two replicas on one bucket share the limit: 3 uploads on each (the user
// has one job running, so all answer it) and the 7th, on either, is 429.
func TestUploadLimitSharedByReplicas(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	a := newService(t, iss.configure)
	b := newService(t, iss.configure, func(c *config.Config) {
		c.QueueName, c.BucketName = a.cfg.QueueName, a.cfg.BucketName
	})
	auth := "Bearer " + iss.token(t, newUser())
	awayFromMinuteEnd(t)

	first, _ := accepted(t, a, auth)
	for i, s := range []*service{b, a, b, a, b} {
		if id, _ := accepted(t, s, auth); id != first {
			t.Fatalf("upload %d (replica %s): job %s, want the running job %s", i+2, s.base, id, first)
		}
	}
	for _, s := range []*service{a, b} {
		if resp := s.upload(t, auth); resp.StatusCode() != http.StatusTooManyRequests {
			t.Errorf("7th upload on %s: status %d, want 429", s.base, resp.StatusCode())
		}
	}
}
