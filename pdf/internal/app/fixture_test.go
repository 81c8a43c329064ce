package app_test

// The unit tests' API and Worker, wired to the in-memory fakes of apptest.

import (
	"log/slog"
	"testing"

	"github.com/google/uuid"

	"prana/pdf/internal/app"
	"prana/pdf/internal/app/apptest"
)

type fixture struct {
	api      *app.API
	worker   *app.Worker
	renderer *apptest.Renderer
	jobs     *apptest.Jobs
	objects  *apptest.Objects
	queue    *apptest.Queue
	uploads  *apptest.Uploads
}

// newFixture wires an API without an upload limit, and a Worker, to one
// set of fakes.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, app.UploadPolicy{})
}

func newFixtureWith(t *testing.T, policy app.UploadPolicy) *fixture {
	t.Helper()
	f := &fixture{renderer: &apptest.Renderer{}, jobs: apptest.NewJobs(), objects: apptest.NewObjects(), uploads: apptest.NewUploads()}
	f.queue = &apptest.Queue{Jobs: f.jobs}
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	var err error
	f.api, err = app.NewAPI(app.APIPorts{
		Renderer: f.renderer, Documents: apptest.NewDocuments(), Queue: f.queue,
		Objects: f.objects, Jobs: f.jobs, Uploads: f.uploads, Policy: policy,
	}, log, uuid.NewString)
	if err != nil {
		t.Fatal(err)
	}
	f.worker, err = app.NewWorker(app.WorkerPorts{Renderer: f.renderer, Objects: f.objects, Jobs: f.jobs, Uploads: f.uploads}, log)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
