package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"prana/pdf/internal/domain"
	"prana/shared/requestid"
)

// ProcessTask renders a queued task and stores the PDF. It is idempotent: a
// redelivered task renders the same bytes (the generation time printed is
// the request time) to the same key. lastAttempt says the queue will not
// deliver the task again, so a failure now is final.
//
// A job that succeeds at once goes from queued straight to done: a
// "processing" record written a few milliseconds before "done" would cost
// an S3 write per job and tell no one anything. A failed attempt with
// retries left records processing, so the status shows the job is being
// worked on until the retry settles it.
func (s *Service) ProcessTask(ctx context.Context, t domain.Task, lastAttempt bool) error {
	if t.EraseUserID != "" {
		return s.EraseUser(ctx, t.EraseUserID)
	}
	job := s.jobFor(t)
	generatedAt := t.RequestedAt
	if generatedAt.IsZero() {
		generatedAt = s.now().UTC()
	}
	err := s.renderAndStore(ctx, t.Profile, generatedAt)
	if err != nil {
		if lastAttempt {
			s.setState(ctx, job, domain.JobFailed, "rendering or storing the PDF failed repeatedly")
		} else {
			s.setState(ctx, job, domain.JobProcessing, "")
		}
		return err
	}
	s.setState(ctx, job, domain.JobDone, "")
	return nil
}

func (s *Service) renderAndStore(ctx context.Context, p domain.Profile, at time.Time) error {
	doc, err := s.p.Renderer.Render(ctx, p, at)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	if err := s.p.Objects.PutPDF(ctx, p.ObjectKey(), doc); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// EraseUser deletes what S3 holds of a deleted account: the profile PDF,
// every job record and the upload bookkeeping. It is idempotent, so the auth service may ask twice
// (it does: once at the deletion, once when the last access token issued
// before it has expired, for an upload queued in between).
func (s *Service) EraseUser(ctx context.Context, userID string) error {
	key := domain.Profile{UserID: userID}.ObjectKey()
	if err := s.p.Objects.DeleteObject(ctx, key); err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	if err := s.p.Jobs.DeleteJobsOf(ctx, userID); err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	if s.p.Uploads != nil {
		if err := s.p.Uploads.ForgetUser(ctx, userID); err != nil {
			return fmt.Errorf("erase: %w", err)
		}
	}
	s.log.InfoContext(ctx, "user's files erased", "user_id", userID)
	return nil
}

// FailMalformed marks the job of a message that could not be read as
// failed; such a message is never retried. userID may be empty (the
// message did not say): the record cannot be found then.
func (s *Service) FailMalformed(ctx context.Context, userID, jobID string, reason error) {
	if jobID == "" || userID == "" {
		return
	}
	j, err := s.p.Jobs.Job(ctx, userID, jobID)
	if err != nil {
		s.log.WarnContext(ctx, "malformed task for unknown job", "job_id", jobID,
			requestIDAttr(ctx), "err", reason)
		return
	}
	s.setState(ctx, j, domain.JobFailed, "the queued task was malformed")
}

// jobFor is the task's job record as the API wrote it (no ID for seed
// messages, which have none). The task holds all of it, so the worker need
// not read the record back: one S3 call less per job, and a presigned URL
// the store hands out on reading can never be saved into the record.
func (s *Service) jobFor(t domain.Task) domain.Job {
	return domain.Job{ID: t.JobID, UserID: t.Profile.UserID, URL: s.p.Objects.PublicURL(t.Profile.ObjectKey())}
}

// setState records a job's new state. Job records are informational: a
// failure to write one is logged and does not fail the job itself.
func (s *Service) setState(ctx context.Context, j domain.Job, st domain.JobStatus, reason string) {
	if j.ID == "" {
		return
	}
	j.Status, j.Error, j.UpdatedAt = st, reason, s.now().UTC()
	if err := s.p.Jobs.SaveJob(ctx, j); err != nil {
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
