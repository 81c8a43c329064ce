package app

import (
	"context"
	"log/slog"
	"time"

	"prana/pdf/internal/domain"
	"prana/shared/requestid"
)

// Every change of a job's state is made here. A job's life:
//
//	queued → done                    rendered and stored at the first attempt
//	queued → processing → … → done   an attempt failed, a retry succeeded
//	queued → processing → … → failed the last attempt failed too
//	queued → failed                  the queue refused the task, or its
//	                                 message was malformed
//
// A job that succeeds at once goes from queued straight to done: a
// "processing" record written a few milliseconds before "done" would cost
// an S3 write per job and tell no one anything. A failed attempt with
// retries left records processing, so the status shows the job is being
// worked on until the retry settles it.
type jobStates struct {
	jobs JobStore
	log  *slog.Logger
	now  func() time.Time
}

// queued writes the record of a new job, queued at at. Unlike the later
// changes its failure is the caller's: no job is accepted without a record.
func (s jobStates) queued(ctx context.Context, j domain.Job, at time.Time) (domain.Job, error) {
	j.Status, j.Error, j.UpdatedAt = domain.JobQueued, "", at
	if err := s.jobs.SaveJob(ctx, j); err != nil {
		return domain.Job{}, err
	}
	return j, nil
}

// notQueued fails a job whose task the queue refused.
func (s jobStates) notQueued(ctx context.Context, j domain.Job) {
	s.set(ctx, j, domain.JobFailed, "the job could not be queued")
}

// attemptFailed records a failed attempt: processing while the queue will
// deliver the task again, failed after its last attempt.
func (s jobStates) attemptFailed(ctx context.Context, j domain.Job, lastAttempt bool) {
	if lastAttempt {
		s.set(ctx, j, domain.JobFailed, "rendering or storing the PDF failed repeatedly")
		return
	}
	s.set(ctx, j, domain.JobProcessing, "")
}

// done records a job whose PDF is stored.
func (s jobStates) done(ctx context.Context, j domain.Job) {
	s.set(ctx, j, domain.JobDone, "")
}

// malformed fails the job of a task message that could not be read; such
// a message is never retried.
func (s jobStates) malformed(ctx context.Context, j domain.Job) {
	s.set(ctx, j, domain.JobFailed, "the queued task was malformed")
}

// set records a job's new state. Job records are informational: a
// failure to write one is logged and does not fail the job itself.
func (s jobStates) set(ctx context.Context, j domain.Job, st domain.JobStatus, reason string) {
	if j.ID == "" {
		return
	}
	j.Status, j.Error, j.UpdatedAt = st, reason, s.now().UTC()
	if err := s.jobs.SaveJob(ctx, j); err != nil {
		s.log.WarnContext(ctx, "job state not recorded", "job_id", j.ID, "status", string(st),
			requestIDAttr(ctx), "err", err)
	}
}

// requestIDAttr names the request that queued the job, in log lines about
// it; nothing for jobs queued without one (the seed's).
func requestIDAttr(ctx context.Context) slog.Attr {
	if id := requestid.FromContext(ctx); id != "" {
		return slog.String("request_id", id)
	}
	return slog.Attr{} // dropped by the handler
}
