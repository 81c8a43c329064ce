package app_test

// The unit tests' service, wired to the in-memory fakes of apptest.

import (
	"log/slog"
	"testing"

	"github.com/google/uuid"

	"prana/pdf/internal/app"
	"prana/pdf/internal/app/apptest"
)

type fixture struct {
	svc      *app.Service
	renderer *apptest.Renderer
	jobs     *apptest.Jobs
	objects  *apptest.Objects
	queue    *apptest.Queue
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{renderer: &apptest.Renderer{}, jobs: apptest.NewJobs(), objects: apptest.NewObjects()}
	f.queue = &apptest.Queue{Jobs: f.jobs}
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	f.svc = app.New(app.Ports{Renderer: f.renderer, Queue: f.queue, Objects: f.objects, Jobs: f.jobs}, log, uuid.NewString)
	return f
}
