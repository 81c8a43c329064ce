package app_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"prana/pdf/internal/app"
	"prana/pdf/internal/app/apptest"
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
	job, err := f.api.RequestUpload(context.Background(), p)
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
	_, err := f.api.RequestUpload(context.Background(), sampleProfile())
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
	if _, err := f.api.RequestUpload(ctx, sampleProfile()); !errors.Is(err, app.ErrUnavailable) {
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
	_, err := f.api.RequestUpload(context.Background(), sampleProfile())
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
	job, err := f.api.RequestUpload(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.api.Job(ctx, p.UserID, job.ID)
	if err != nil || got.ID != job.ID || got.Status != domain.JobQueued {
		t.Fatalf("own job: %+v, %v", got, err)
	}
	if _, err := f.api.Job(ctx, uuid.NewString(), job.ID); !errors.Is(err, domain.ErrJobNotFound) {
		t.Errorf("another user's job: error %v, want ErrJobNotFound", err)
	}
	if _, err := f.api.Job(ctx, p.UserID, uuid.NewString()); !errors.Is(err, domain.ErrJobNotFound) {
		t.Errorf("unknown job: error %v, want ErrJobNotFound", err)
	}
}

// A constructor refuses a wiring that leaves a port out, naming it, rather
// than fail on the first request that needs it.
func TestConstructorsRefuseNilPorts(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	jobs := apptest.NewJobs()
	api := app.APIPorts{
		Renderer: &apptest.Renderer{}, Documents: apptest.NewDocuments(), Queue: &apptest.Queue{Jobs: jobs},
		Objects: apptest.NewObjects(), Jobs: jobs, Uploads: apptest.NewUploads(),
	}
	if _, err := app.NewAPI(api, log, uuid.NewString); err != nil {
		t.Fatalf("NewAPI with every port: %v", err)
	}
	noQueue := api
	noQueue.Queue = nil
	if _, err := app.NewAPI(noQueue, log, uuid.NewString); err == nil || !strings.Contains(err.Error(), "Queue") {
		t.Errorf("NewAPI without a queue: %v, want an error naming Queue", err)
	}
	if _, err := app.NewAPI(api, log, nil); err == nil || !strings.Contains(err.Error(), "newID") {
		t.Errorf("NewAPI without newID: %v, want an error naming newID", err)
	}
	worker := app.WorkerPorts{Renderer: api.Renderer, Objects: api.Objects, Jobs: jobs, Uploads: api.Uploads}
	if _, err := app.NewWorker(worker, log); err != nil {
		t.Fatalf("NewWorker with every port: %v", err)
	}
	noUploads := worker
	noUploads.Uploads = nil
	if _, err := app.NewWorker(noUploads, log); err == nil || !strings.Contains(err.Error(), "Uploads") {
		t.Errorf("NewWorker without an upload guard: %v, want an error naming Uploads", err)
	}
}
