package app_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
)

func sampleProfile() domain.Profile {
	return domain.Profile{
		UserID: uuid.NewString(), Name: "Іван", Surname: "Петренко", Email: "ivan@example.com",
		DateOfBirth: time.Date(1990, 2, 28, 0, 0, 0, 0, time.UTC),
	}
}

func TestETag(t *testing.T) {
	t.Parallel()
	p := sampleProfile()
	tag := app.ETag(p)
	if tag != app.ETag(p) {
		t.Fatal("ETag differs for the same profile")
	}
	if len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		t.Errorf("ETag %s is not a quoted strong tag", tag)
	}
	changes := map[string]func(*domain.Profile){
		"user id":       func(p *domain.Profile) { p.UserID = uuid.NewString() },
		"name":          func(p *domain.Profile) { p.Name = "Петро" },
		"surname":       func(p *domain.Profile) { p.Surname = "Іваненко" },
		"email":         func(p *domain.Profile) { p.Email = "other@example.com" },
		"date of birth": func(p *domain.Profile) { p.DateOfBirth = p.DateOfBirth.AddDate(0, 0, 1) },
		// Field boundaries count: moving a letter between fields is a change.
		"name/surname boundary": func(p *domain.Profile) { p.Name, p.Surname = p.Name+"П", "етренко" },
	}
	for name, change := range changes {
		q := p
		change(&q)
		if app.ETag(q) == tag {
			t.Errorf("changing the %s keeps the ETag", name)
		}
	}
}

func TestRequestUploadSavesQueuedBeforePublishing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := sampleProfile()
	job, err := f.svc.RequestUpload(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != domain.JobQueued || job.UserID != p.UserID || job.URL != f.objects.PublicURL(p.ObjectKey()) {
		t.Errorf("job = %+v", job)
	}
	if len(f.queue.Published) != 1 {
		t.Fatalf("%d tasks published, want 1", len(f.queue.Published))
	}
	task := f.queue.Published[0]
	if task.JobID != job.ID || task.Profile != p || task.RequestedAt.IsZero() {
		t.Errorf("task = %+v", task)
	}
	if seen := f.queue.SeenJob[0]; seen.ID != job.ID || seen.Status != domain.JobQueued {
		t.Errorf("at publish time the job record was %+v, want it saved as queued", seen)
	}
	if got := f.jobs.States(job.ID); len(got) != 1 || got[0] != domain.JobQueued {
		t.Errorf("job states = %v, want [queued]", got)
	}
}

func TestRequestUploadPublishFails(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.queue.Err = errors.New("connection refused")
	_, err := f.svc.RequestUpload(context.Background(), sampleProfile())
	if !errors.Is(err, app.ErrUnavailable) {
		t.Fatalf("error = %v, want ErrUnavailable", err)
	}
	if len(f.queue.SeenJob) != 1 {
		t.Fatalf("%d publish attempts, want 1", len(f.queue.SeenJob))
	}
	id, owner := f.queue.SeenJob[0].ID, f.queue.SeenJob[0].UserID
	j, err := f.jobs.Job(context.Background(), owner, id)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != domain.JobFailed || j.Error == "" {
		t.Errorf("job left as %q (error %q), want failed with a reason", j.Status, j.Error)
	}
}

// TestRequestUploadPublishFailsClientGone: the caller hangs up while the
// queue stalls. The request's context is then cancelled, but the record
// must still stop saying "queued": nothing will ever process that job.
func TestRequestUploadPublishFailsClientGone(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	f.queue.During = cancel
	f.queue.Err = context.Canceled
	if _, err := f.svc.RequestUpload(ctx, sampleProfile()); !errors.Is(err, app.ErrUnavailable) {
		t.Fatalf("error = %v, want ErrUnavailable", err)
	}
	id, owner := f.queue.SeenJob[0].ID, f.queue.SeenJob[0].UserID
	if j, _ := f.jobs.Job(context.Background(), owner, id); j.Status != domain.JobFailed {
		t.Errorf("job left %q after the caller went away, want failed", j.Status)
	}
}

func TestRequestUploadSaveFails(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.jobs.SaveErr = errors.New("bucket unreachable")
	_, err := f.svc.RequestUpload(context.Background(), sampleProfile())
	if !errors.Is(err, app.ErrUnavailable) {
		t.Fatalf("error = %v, want ErrUnavailable", err)
	}
	if n := len(f.queue.SeenJob); n != 0 {
		t.Errorf("%d tasks published for a job that was never recorded", n)
	}
}

func TestJobHidesOtherUsersJobs(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := sampleProfile()
	job, err := f.svc.RequestUpload(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Job(ctx, p.UserID, job.ID)
	if err != nil || got.ID != job.ID || got.Status != domain.JobQueued {
		t.Fatalf("own job: %+v, %v", got, err)
	}
	if _, err := f.svc.Job(ctx, uuid.NewString(), job.ID); !errors.Is(err, domain.ErrJobNotFound) {
		t.Errorf("another user's job: error %v, want ErrJobNotFound", err)
	}
	if _, err := f.svc.Job(ctx, p.UserID, uuid.NewString()); !errors.Is(err, domain.ErrJobNotFound) {
		t.Errorf("unknown job: error %v, want ErrJobNotFound", err)
	}
}

// queuedTask records a queued job as RequestUpload would and returns its
// task.
func queuedTask(t *testing.T, f *fixture) domain.Task {
	t.Helper()
	if _, err := f.svc.RequestUpload(context.Background(), sampleProfile()); err != nil {
		t.Fatal(err)
	}
	return f.queue.Published[len(f.queue.Published)-1]
}

func TestProcessTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	task := queuedTask(t, f)
	task.RequestedAt = time.Date(2026, 11, 28, 12, 30, 15, 123456789, time.UTC)

	if err := f.svc.ProcessTask(context.Background(), task, false); err != nil {
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
	if err := f.svc.ProcessTask(context.Background(), task, false); err != nil {
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
			if err := f.svc.ProcessTask(context.Background(), task, tc.lastAttempt); err == nil {
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
	if err := f.svc.ProcessTask(context.Background(), domain.Task{Profile: p}, false); err != nil {
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
	f.svc.FailMalformed(context.Background(), task.Profile.UserID, task.JobID, errors.New("malformed task message"))
	j, err := f.jobs.Job(context.Background(), task.Profile.UserID, task.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != domain.JobFailed || j.Error == "" {
		t.Errorf("job %q (error %q), want failed with a reason", j.Status, j.Error)
	}
	// No job id, or an unknown one: nothing to mark, nothing written.
	before := f.jobs.Saves()
	f.svc.FailMalformed(context.Background(), task.Profile.UserID, "", errors.New("x"))
	f.svc.FailMalformed(context.Background(), "", task.JobID, errors.New("x"))
	f.svc.FailMalformed(context.Background(), task.Profile.UserID, uuid.NewString(), errors.New("x"))
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
		if err := f.svc.ProcessTask(context.Background(), task, false); err != nil {
			t.Fatal(err)
		}
	}
	erase := domain.Task{EraseUserID: mine.Profile.UserID}
	for range 2 {
		if err := f.svc.ProcessTask(context.Background(), erase, false); err != nil {
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
