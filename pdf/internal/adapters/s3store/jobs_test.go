package s3store

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/uuid"

	"prana/pdf/internal/domain"
)

func TestJobRoundTrip(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	ctx := context.Background()
	want := domain.Job{
		ID:        uuid.NewString(),
		UserID:    uuid.NewString(),
		Status:    domain.JobFailed,
		URL:       "http://localhost:4566/user-pdfs/profile_x.pdf",
		Error:     "render failed",
		UpdatedAt: time.Date(2026, 11, 28, 10, 11, 12, 130000000, time.UTC),
	}
	if err := st.SaveJob(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := st.Job(ctx, want.UserID, want.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("UpdatedAt = %v, want %v", got.UpdatedAt, want.UpdatedAt)
	}
	got.UpdatedAt = want.UpdatedAt
	if got != want {
		t.Errorf("Job = %+v, want %+v", got, want)
	}

	// Saving again replaces the record.
	want.Status, want.Error = domain.JobDone, ""
	if err := st.SaveJob(ctx, want); err != nil {
		t.Fatal(err)
	}
	// Lookups are case-insensitive, as UUIDs are.
	got, err = st.Job(ctx, strings.ToUpper(want.UserID), strings.ToUpper(want.ID))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != domain.JobDone || got.Error != "" {
		t.Errorf("after update: status %q error %q", got.Status, got.Error)
	}

	// The record is JSON under jobs/<user id>/<id>.json.
	head, err := st.client.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket: aws.String(st.bucket), Key: aws.String("jobs/" + want.UserID + "/" + want.ID + ".json"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if ct := aws.ToString(head.ContentType); ct != "application/json" {
		t.Errorf("content type = %q, want application/json", ct)
	}
}

func TestJobNotFound(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	ctx := context.Background()
	for _, id := range []string{uuid.NewString(), "", "not-a-uuid", "../profile_x.pdf"} {
		if _, err := st.Job(ctx, uuid.NewString(), id); !errors.Is(err, domain.ErrJobNotFound) {
			t.Errorf("Job(%q) error = %v, want ErrJobNotFound", id, err)
		}
	}
}

func TestJobMissingBucketIsNotNotFound(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	st.bucket = bucketName() // never created
	_, err := st.Job(context.Background(), uuid.NewString(), uuid.NewString())
	if err == nil || errors.Is(err, domain.ErrJobNotFound) {
		t.Errorf("Job on a missing bucket: error = %v, want a real error", err)
	}
}

func TestSaveJobRejectsBadID(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	if err := st.SaveJob(context.Background(), domain.Job{ID: "../evil"}); err == nil {
		t.Error("SaveJob with a non-UUID id: nil error")
	}
}

// TestJobsOfAUserAreApartAndDeletable: another user's id does not find a
// job; an erasure deletes every record of the user and only those; a
// record an older release wrote (jobs/<id>.json) is still found.
func TestJobsOfAUserAreApartAndDeletable(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	ctx := context.Background()
	alice, bob := uuid.NewString(), uuid.NewString()
	var aliceJobs []string
	for range 3 {
		j := domain.Job{ID: uuid.NewString(), UserID: alice, Status: domain.JobDone, UpdatedAt: time.Now()}
		aliceJobs = append(aliceJobs, j.ID)
		if err := st.SaveJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	bobJob := domain.Job{ID: uuid.NewString(), UserID: bob, Status: domain.JobQueued, UpdatedAt: time.Now()}
	if err := st.SaveJob(ctx, bobJob); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Job(ctx, bob, aliceJobs[0]); !errors.Is(err, domain.ErrJobNotFound) {
		t.Errorf("bob found alice's job: %v", err)
	}
	legacy := domain.Job{ID: uuid.NewString(), UserID: alice, Status: domain.JobDone, UpdatedAt: time.Now()}
	body, _ := json.Marshal(recordFromJob(legacy))
	if err := st.put(ctx, legacyJobKey(legacy.ID), "application/json", body); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Job(ctx, alice, legacy.ID); err != nil || got.ID != legacy.ID {
		t.Errorf("legacy record: %+v, %v", got, err)
	}
	if err := st.DeleteJobsOf(ctx, alice); err != nil {
		t.Fatal(err)
	}
	for _, id := range aliceJobs {
		if _, err := st.Job(ctx, alice, id); !errors.Is(err, domain.ErrJobNotFound) {
			t.Errorf("alice's job %s after erasure: %v", id, err)
		}
	}
	if _, err := st.Job(ctx, bob, bobJob.ID); err != nil {
		t.Errorf("bob's job after alice's erasure: %v", err)
	}
	if err := st.DeleteJobsOf(ctx, alice); err != nil {
		t.Errorf("a second erasure: %v", err)
	}
	if err := st.DeleteObject(ctx, "user-pdfs/never-there.pdf"); err != nil {
		t.Errorf("deleting a missing object: %v", err)
	}
}
