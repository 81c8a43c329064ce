package app_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"prana/pdf/internal/domain"
)

// queuedTask records a queued job as RequestUpload would and returns its
// task.
func queuedTask(t *testing.T, f *fixture) domain.Task {
	t.Helper()
	if _, err := f.api.RequestUpload(context.Background(), sampleProfile()); err != nil {
		t.Fatal(err)
	}
	return f.queue.Published[len(f.queue.Published)-1]
}

func TestProcessTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	task := queuedTask(t, f)
	task.RequestedAt = time.Date(2026, 11, 28, 12, 30, 15, 123456789, time.UTC)

	if err := f.worker.ProcessTask(context.Background(), task, false); err != nil {
		t.Fatal(err)
	}
	want := []domain.JobStatus{domain.JobQueued, domain.JobDone}
	if got := f.jobs.States(task.JobID); !slices.Equal(got, want) {
		t.Errorf("job states = %v, want %v", got, want)
	}
	first, ok := f.objects.Object(task.Profile.ObjectKey())
	if !ok {
		t.Fatal("no object stored")
	}

	// A redelivery renders the same bytes: the generation time is the
	// request time, not the clock.
	if err := f.worker.ProcessTask(context.Background(), task, false); err != nil {
		t.Fatal(err)
	}
	second, _ := f.objects.Object(task.Profile.ObjectKey())
	if string(first) != string(second) {
		t.Errorf("redelivered task stored different bytes:\n%s\n%s", first, second)
	}
	for i, at := range f.renderer.Times {
		if !at.Equal(task.RequestedAt) {
			t.Errorf("render %d generated at %v, want the request time %v", i, at, task.RequestedAt)
		}
	}
}

func TestProcessTaskFailure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		lastAttempt bool
		want        domain.JobStatus
	}{
		{"retry left", false, domain.JobProcessing},
		{"last attempt", true, domain.JobFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			task := queuedTask(t, f)
			f.objects.PutErr = errors.New("s3 down")
			if err := f.worker.ProcessTask(context.Background(), task, tc.lastAttempt); err == nil {
				t.Fatal("ProcessTask: nil error when storing failed")
			}
			j, err := f.jobs.Job(context.Background(), task.Profile.UserID, task.JobID)
			if err != nil {
				t.Fatal(err)
			}
			if j.Status != tc.want {
				t.Errorf("job status %q, want %q", j.Status, tc.want)
			}
			if (j.Error != "") != (tc.want == domain.JobFailed) {
				t.Errorf("job error %q with status %q", j.Error, j.Status)
			}
		})
	}
}

func TestProcessSeedTaskWithoutJob(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := sampleProfile()
	if err := f.worker.ProcessTask(context.Background(), domain.Task{Profile: p}, false); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.objects.Object(p.ObjectKey()); !ok {
		t.Error("seed task: no object stored")
	}
	if n := f.jobs.Saves(); n != 0 {
		t.Errorf("seed task wrote %d job records, want none", n)
	}
	if len(f.renderer.Times) != 1 || f.renderer.Times[0].IsZero() {
		t.Errorf("seed task render times %v, want one non-zero time", f.renderer.Times)
	}
}

func TestFailMalformed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	task := queuedTask(t, f)
	f.worker.FailMalformed(context.Background(), task.Profile.UserID, task.JobID, errors.New("malformed task message"))
	j, err := f.jobs.Job(context.Background(), task.Profile.UserID, task.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != domain.JobFailed || j.Error == "" {
		t.Errorf("job %q (error %q), want failed with a reason", j.Status, j.Error)
	}
	// No job id, or an unknown one: nothing to mark, nothing written.
	before := f.jobs.Saves()
	f.worker.FailMalformed(context.Background(), task.Profile.UserID, "", errors.New("x"))
	f.worker.FailMalformed(context.Background(), "", task.JobID, errors.New("x"))
	f.worker.FailMalformed(context.Background(), task.Profile.UserID, uuid.NewString(), errors.New("x"))
	if f.jobs.Saves() != before {
		t.Error("FailMalformed wrote a record for a job that does not exist")
	}
}

// TestEraseUser: an erasure deletes the user's PDF and job records, and
// nobody else's; it can run twice.
func TestEraseUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mine, theirs := queuedTask(t, f), queuedTask(t, f)
	for _, task := range []domain.Task{mine, theirs} {
		if err := f.worker.ProcessTask(context.Background(), task, false); err != nil {
			t.Fatal(err)
		}
	}
	erase := domain.Task{EraseUserID: mine.Profile.UserID}
	for range 2 {
		if err := f.worker.ProcessTask(context.Background(), erase, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := f.objects.Object(mine.Profile.ObjectKey()); ok {
		t.Error("the erased user's PDF is still stored")
	}
	if _, err := f.jobs.Job(context.Background(), mine.Profile.UserID, mine.JobID); !errors.Is(err, domain.ErrJobNotFound) {
		t.Errorf("the erased user's job: %v", err)
	}
	if _, ok := f.objects.Object(theirs.Profile.ObjectKey()); !ok {
		t.Error("another user's PDF was erased")
	}
	if _, err := f.jobs.Job(context.Background(), theirs.Profile.UserID, theirs.JobID); err != nil {
		t.Errorf("another user's job: %v", err)
	}
}

func TestEraseUserForgetsUploads(t *testing.T) {
	t.Parallel()
	f, up := newGuardedFixture(t, 6)
	p := sampleProfile()
	if _, err := f.api.RequestUpload(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if err := f.worker.EraseUser(context.Background(), p.UserID); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := up.ActiveJob(context.Background(), p.UserID); found || len(up.Forgotten) != 1 {
		t.Errorf("after erasure: pointer found %v, forgotten %v", found, up.Forgotten)
	}
}
