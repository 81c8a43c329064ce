package apptest

import (
	"context"
	"strings"
	"sync"
	"time"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
)

// Renderer is an app.Renderer that records the times it was asked to
// render at and answers a fake document, or Err when set.
type Renderer struct {
	mu    sync.Mutex
	Times []time.Time
	Err   error
}

// Render records at and returns a body that names p and at.
func (r *Renderer) Render(_ context.Context, p domain.Profile, at time.Time) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Times = append(r.Times, at)
	if r.Err != nil {
		return nil, r.Err
	}
	return []byte("%PDF " + p.UserID + " " + p.Name + " " + at.Format(time.RFC3339Nano)), nil
}

// Jobs is an in-memory app.JobStore that keeps every state each job went
// through. With SaveErr set, SaveJob fails.
type Jobs struct {
	mu      sync.Mutex
	jobs    map[string]domain.Job
	history map[string][]domain.JobStatus
	SaveErr error
}

// NewJobs returns an empty Jobs.
func NewJobs() *Jobs {
	return &Jobs{jobs: map[string]domain.Job{}, history: map[string][]domain.JobStatus{}}
}

// SaveJob stores j. It fails on a cancelled context, as a real store's
// call would.
func (f *Jobs) SaveJob(ctx context.Context, j domain.Job) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.SaveErr != nil {
		return f.SaveErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Ids are UUIDs, which match in any letter case.
	f.jobs[strings.ToLower(j.ID)] = j
	f.history[j.ID] = append(f.history[j.ID], j.Status)
	return nil
}

// Job returns userID's job id, or domain.ErrJobNotFound.
func (f *Jobs) Job(_ context.Context, userID, id string) (domain.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok := f.jobs[strings.ToLower(id)]
	if !ok || !strings.EqualFold(j.UserID, userID) {
		return domain.Job{}, domain.ErrJobNotFound
	}
	return j, nil
}

// DeleteJobsOf deletes userID's jobs.
func (f *Jobs) DeleteJobsOf(_ context.Context, userID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, j := range f.jobs {
		if strings.EqualFold(j.UserID, userID) {
			delete(f.jobs, id)
		}
	}
	return nil
}

// States lists the statuses job id was saved with, in order.
func (f *Jobs) States(id string) []domain.JobStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]domain.JobStatus(nil), f.history[id]...)
}

// Saves counts the successful SaveJob calls.
func (f *Jobs) Saves() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, h := range f.history {
		n += len(h)
	}
	return n
}

// Objects is an in-memory app.ObjectStore. With PutErr set, PutPDF fails.
type Objects struct {
	mu      sync.Mutex
	objects map[string][]byte
	PutErr  error
}

// NewObjects returns an empty Objects.
func NewObjects() *Objects { return &Objects{objects: map[string][]byte{}} }

// PutPDF stores a copy of body under key.
func (o *Objects) PutPDF(_ context.Context, key string, body []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.PutErr != nil {
		return o.PutErr
	}
	o.objects[key] = append([]byte(nil), body...)
	return nil
}

// ObjectsBaseURL is the prefix of the fake's public URLs.
const ObjectsBaseURL = "http://objects.test/bucket/"

// PublicURL is ObjectsBaseURL + key.
func (o *Objects) PublicURL(key string) string { return ObjectsBaseURL + key }

// DeleteObject deletes key; a missing key is not an error.
func (o *Objects) DeleteObject(_ context.Context, key string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.objects, key)
	return nil
}

// Object returns what is stored under key.
func (o *Objects) Object(key string) ([]byte, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	b, ok := o.objects[key]
	return b, ok
}

// Fetch is what a user finds at url: the object when url is one of the
// fake's public URLs.
func (o *Objects) Fetch(url string) ([]byte, bool) {
	key, ok := strings.CutPrefix(url, ObjectsBaseURL)
	if !ok {
		return nil, false
	}
	return o.Object(key)
}

var (
	_ app.Renderer    = (*Renderer)(nil)
	_ app.JobStore    = (*Jobs)(nil)
	_ app.ObjectStore = (*Objects)(nil)
)
