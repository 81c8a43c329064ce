// Package app holds the pdf service's use cases: download a profile PDF,
// queue an upload job, read a job's state, and (in the worker) process a
// queued task. It depends only on the ports in ports.go.
package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"prana/pdf/internal/domain"
)

// ErrUnavailable wraps failures of the queue or the bucket: the HTTP layer
// answers 503 and the client may retry.
var ErrUnavailable = errors.New("dependency unavailable")

// Ports are the adapters a Service uses.
type Ports struct {
	Renderer Renderer
	Queue    TaskPublisher // nil in the worker
	Objects  ObjectStore
	Jobs     JobStore
}

// Service runs the pdf use cases.
type Service struct {
	p     Ports
	log   *slog.Logger
	now   func() time.Time
	newID func() string
}

// New returns a Service. newID makes job ids (UUIDs).
func New(p Ports, log *slog.Logger, newID func() string) *Service {
	return &Service{p: p, log: log, now: time.Now, newID: newID}
}

// renderVersion changes whenever the PDF layout does, so that ETags of
// documents rendered by an older layout stop matching.
const renderVersion = "profile-v1"

// ETag identifies the content of a profile's PDF. The generation time
// printed on the page is not part of it: two renders of one profile are
// the same document to the user.
func ETag(p domain.Profile) string {
	h := sha256.New()
	for _, f := range []string{renderVersion, p.UserID, p.Name, p.Surname, p.Email, p.DateOfBirth.Format(domain.DateLayout)} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// Download renders the profile now, in memory.
func (s *Service) Download(ctx context.Context, p domain.Profile) ([]byte, error) {
	doc, err := s.p.Renderer.Render(ctx, p, s.now().UTC())
	if err != nil {
		return nil, fmt.Errorf("download: %w", err)
	}
	return doc, nil
}

// RequestUpload records a queued job and puts its task on the queue. The
// record is written first so the worker always finds it; if the queue then
// refuses the task the record says failed and the caller gets
// ErrUnavailable: never an accepted job that is not on the queue.
func (s *Service) RequestUpload(ctx context.Context, p domain.Profile) (domain.Job, error) {
	now := s.now().UTC()
	job := domain.Job{
		ID: s.newID(), UserID: p.UserID, Status: domain.JobQueued,
		URL: s.p.Objects.PublicURL(p.ObjectKey()), UpdatedAt: now,
	}
	if err := s.p.Jobs.SaveJob(ctx, job); err != nil {
		return domain.Job{}, fmt.Errorf("record job: %w: %w", ErrUnavailable, err)
	}
	if err := s.p.Queue.Publish(ctx, domain.Task{JobID: job.ID, Profile: p, RequestedAt: now}); err != nil {
		// Not ctx: a caller who hung up (cancelling it) must not leave a
		// record saying queued for a job nothing will process.
		s.setState(context.WithoutCancel(ctx), job, domain.JobFailed, "the job could not be queued")
		return domain.Job{}, fmt.Errorf("queue job: %w: %w", ErrUnavailable, err)
	}
	return job, nil
}

// Job returns one of userID's jobs; another user's job does not exist for
// them.
func (s *Service) Job(ctx context.Context, userID, jobID string) (domain.Job, error) {
	j, err := s.p.Jobs.Job(ctx, jobID)
	if errors.Is(err, domain.ErrJobNotFound) || (err == nil && j.UserID != userID) {
		return domain.Job{}, domain.ErrJobNotFound
	}
	if err != nil {
		return domain.Job{}, fmt.Errorf("job: %w: %w", ErrUnavailable, err)
	}
	return j, nil
}
