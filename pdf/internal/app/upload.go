package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"prana/pdf/internal/domain"
)

// UploadPolicy bounds each user's uploads.
type UploadPolicy struct {
	// PerMinute is how many upload requests a user may make a minute,
	// including those answered with the job already running; 0: no limit.
	PerMinute int
	// StuckAfter is how long a queued or processing job keeps answering
	// new uploads. A job older than that is taken as stuck (its worker
	// died, its record was never settled), so that a user is never locked
	// out of uploading. 0 means DefaultStuckAfter.
	StuckAfter time.Duration
}

// DefaultStuckAfter is UploadPolicy.StuckAfter's default: far beyond any
// render (milliseconds) and the queue's retries (minutes).
const DefaultStuckAfter = 15 * time.Minute

// recordGrace is how long a pointer to a job whose record is not written
// yet still counts: the request that set it writes the record just after.
const recordGrace = time.Minute

// casAttempts bounds the compare-and-swap retries of one upload request;
// only a user racing themselves makes them fail.
const casAttempts = 3

// RateLimitedError says the user made too many uploads; RetryAfter is when
// the window ends.
type RateLimitedError struct{ RetryAfter time.Duration }

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("too many uploads; retry after %s", e.RetryAfter)
}

// RequestUpload queues a render of the profile and returns its job. The
// user's uploads are counted first (a *RateLimitedError past the limit),
// and while the user's current job is queued or processing that job is
// returned instead of a new one.
func (s *API) RequestUpload(ctx context.Context, p domain.Profile) (domain.Job, error) {
	if err := s.takeUpload(ctx, p.UserID); err != nil {
		return domain.Job{}, err
	}
	raced := false
	for range casAttempts {
		prev, found, err := s.p.Uploads.ActiveJob(ctx, p.UserID)
		if err != nil {
			return domain.Job{}, fmt.Errorf("active job: %w: %w", ErrUnavailable, err)
		}
		if found {
			j, running, err := s.runningJob(ctx, p, prev)
			// After a lost race the pointer's job was created while this
			// request was in flight, so it answers this request too, even
			// when a fast worker has finished it already: queueing another
			// would only race the next request of the user again.
			if err != nil || running || (raced && j.ID == prev.JobID) {
				return j, err
			}
		}
		next := ActivePointer{JobID: s.newID(), Since: s.now().UTC()}
		err = s.p.Uploads.SetActiveJob(ctx, p.UserID, prev, next)
		if errors.Is(err, ErrConflict) {
			raced = true // another request of the user set it: answer with its job
			continue
		}
		if err != nil {
			return domain.Job{}, fmt.Errorf("set active job: %w: %w", ErrUnavailable, err)
		}
		return s.queueJob(ctx, p, next.JobID, next.Since)
	}
	return domain.Job{}, fmt.Errorf("set active job: %w: still contended after %d attempts", ErrUnavailable, casAttempts)
}

func (s *API) takeUpload(ctx context.Context, userID string) error {
	if s.p.Policy.PerMinute <= 0 {
		return nil
	}
	ok, retry, err := s.p.Uploads.TakeUpload(ctx, userID, s.p.Policy.PerMinute, time.Minute)
	if err != nil {
		return fmt.Errorf("upload limit: %w: %w", ErrUnavailable, err)
	}
	if !ok {
		return &RateLimitedError{RetryAfter: retry}
	}
	return nil
}

// runningJob is the pointer's job when it is still queued or processing
// and not stuck.
func (s *API) runningJob(ctx context.Context, p domain.Profile, ptr ActivePointer) (domain.Job, bool, error) {
	stuckAfter := s.p.Policy.StuckAfter
	if stuckAfter <= 0 {
		stuckAfter = DefaultStuckAfter
	}
	age := s.now().Sub(ptr.Since)
	if age > stuckAfter {
		return domain.Job{}, false, nil
	}
	j, err := s.p.Jobs.Job(ctx, p.UserID, ptr.JobID)
	switch {
	case errors.Is(err, domain.ErrJobNotFound):
		if age > recordGrace {
			return domain.Job{}, false, nil // its request died before writing it
		}
		// Its request is writing the record right now.
		return domain.Job{
			ID: ptr.JobID, UserID: p.UserID, Status: domain.JobQueued,
			URL: s.p.Objects.PublicURL(p.ObjectKey()), UpdatedAt: ptr.Since,
		}, true, nil
	case err != nil:
		return domain.Job{}, false, fmt.Errorf("read active job: %w: %w", ErrUnavailable, err)
	}
	running := j.Status == domain.JobQueued || j.Status == domain.JobProcessing
	// The plain address, as a new job's 202 has: the store may hand out
	// a presigned URL on reading, which is job status's to give.
	j.URL = s.p.Objects.PublicURL(p.ObjectKey())
	return j, running, nil
}

// queueJob records a queued job and puts its task on the queue. The
// record is written first so the worker always finds it; if the queue then
// refuses the task the record says failed and the caller gets
// ErrUnavailable: never an accepted job that is not on the queue.
func (s *API) queueJob(ctx context.Context, p domain.Profile, id string, now time.Time) (domain.Job, error) {
	job, err := s.states.queued(ctx, domain.Job{ID: id, UserID: p.UserID, URL: s.p.Objects.PublicURL(p.ObjectKey())}, now)
	if err != nil {
		return domain.Job{}, fmt.Errorf("record job: %w: %w", ErrUnavailable, err)
	}
	if err := s.p.Queue.Publish(ctx, domain.Task{JobID: job.ID, Profile: p, RequestedAt: now}); err != nil {
		// Not ctx: a caller who hung up (cancelling it) must not leave a
		// record saying queued for a job nothing will process.
		s.states.notQueued(context.WithoutCancel(ctx), job)
		return domain.Job{}, fmt.Errorf("queue job: %w: %w", ErrUnavailable, err)
	}
	return job, nil
}
