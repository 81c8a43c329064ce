package app_test

// In-memory fakes of the app's ports: the unit tests' only doubles.

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
)

// fakeRenderer records what it was asked to render.
type fakeRenderer struct {
	mu    sync.Mutex
	times []time.Time
	err   error
}

func (r *fakeRenderer) Render(_ context.Context, p domain.Profile, at time.Time) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.times = append(r.times, at)
	if r.err != nil {
		return nil, r.err
	}
	return []byte("%PDF " + p.UserID + " " + p.Name + " " + at.Format(time.RFC3339Nano)), nil
}

// fakeJobs is an in-memory JobStore that keeps every state each job went
// through.
type fakeJobs struct {
	mu      sync.Mutex
	jobs    map[string]domain.Job
	history map[string][]domain.JobStatus
	saveErr error
}

func newFakeJobs() *fakeJobs {
	return &fakeJobs{jobs: map[string]domain.Job{}, history: map[string][]domain.JobStatus{}}
}

// SaveJob fails on a cancelled context, as a real store's call would.
func (f *fakeJobs) SaveJob(ctx context.Context, j domain.Job) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.saveErr != nil {
		return f.saveErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f.jobs[j.ID] = j
	f.history[j.ID] = append(f.history[j.ID], j.Status)
	return nil
}

func (f *fakeJobs) Job(_ context.Context, userID, id string) (domain.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok := f.jobs[id]
	if !ok || j.UserID != userID {
		return domain.Job{}, domain.ErrJobNotFound
	}
	return j, nil
}

func (f *fakeJobs) DeleteJobsOf(_ context.Context, userID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, j := range f.jobs {
		if j.UserID == userID {
			delete(f.jobs, id)
		}
	}
	return nil
}

func (f *fakeJobs) states(id string) []domain.JobStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]domain.JobStatus(nil), f.history[id]...)
}

func (f *fakeJobs) saves() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, h := range f.history {
		n += len(h)
	}
	return n
}

// fakeObjects is an in-memory ObjectStore.
type fakeObjects struct {
	mu      sync.Mutex
	objects map[string][]byte
	putErr  error
}

func (o *fakeObjects) PutPDF(_ context.Context, key string, body []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.putErr != nil {
		return o.putErr
	}
	o.objects[key] = append([]byte(nil), body...)
	return nil
}

func (o *fakeObjects) PublicURL(key string) string { return "http://objects.test/bucket/" + key }

func (o *fakeObjects) DeleteObject(_ context.Context, key string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.objects, key)
	return nil
}

func (o *fakeObjects) object(key string) ([]byte, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	b, ok := o.objects[key]
	return b, ok
}

// fakeQueue is a TaskPublisher that, on each Publish, records the job
// record as it stood at that moment (so tests can check the order).
type fakeQueue struct {
	jobs *fakeJobs
	err  error
	// during, when set, runs inside Publish (e.g. the client goes away).
	during func()

	mu        sync.Mutex
	published []domain.Task
	seenJob   []domain.Job
}

func (q *fakeQueue) Publish(ctx context.Context, t domain.Task) error {
	j, _ := q.jobs.Job(ctx, t.Profile.UserID, t.JobID)
	if q.during != nil {
		q.during()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seenJob = append(q.seenJob, j)
	if q.err != nil {
		return q.err
	}
	q.published = append(q.published, t)
	return nil
}

type fixture struct {
	svc      *app.Service
	renderer *fakeRenderer
	jobs     *fakeJobs
	objects  *fakeObjects
	queue    *fakeQueue
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{renderer: &fakeRenderer{}, jobs: newFakeJobs(), objects: &fakeObjects{objects: map[string][]byte{}}}
	f.queue = &fakeQueue{jobs: f.jobs}
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	f.svc = app.New(app.Ports{Renderer: f.renderer, Queue: f.queue, Objects: f.objects, Jobs: f.jobs}, log, uuid.NewString)
	return f
}
