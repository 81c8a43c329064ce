package app

import (
	"context"
	"fmt"
	"time"

	"prana/pdf/internal/domain"
)

// ProcessTask renders a queued task and stores the PDF. It is idempotent: a
// redelivered task renders the same bytes (the generation time printed is
// the request time) to the same key. lastAttempt says the queue will not
// deliver the task again, so a failure now is final.
func (s *Service) ProcessTask(ctx context.Context, t domain.Task, lastAttempt bool) error {
	job := s.jobFor(ctx, t)
	s.setState(ctx, job, domain.JobProcessing, "")
	generatedAt := t.RequestedAt
	if generatedAt.IsZero() {
		generatedAt = s.now().UTC()
	}
	err := s.renderAndStore(ctx, t.Profile, generatedAt)
	if err != nil {
		if lastAttempt {
			s.setState(ctx, job, domain.JobFailed, "rendering or storing the PDF failed repeatedly")
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

// FailMalformed marks the job of a message that could not be read as
// failed; such a message is never retried.
func (s *Service) FailMalformed(ctx context.Context, jobID string, reason error) {
	if jobID == "" {
		return
	}
	j, err := s.p.Jobs.Job(ctx, jobID)
	if err != nil {
		s.log.WarnContext(ctx, "malformed task for unknown job", "job_id", jobID, "err", reason)
		return
	}
	s.setState(ctx, j, domain.JobFailed, "the queued task was malformed")
}

// jobFor returns the task's job record, or a fresh one when the task has
// none (seed messages) or its record is missing.
func (s *Service) jobFor(ctx context.Context, t domain.Task) domain.Job {
	fresh := domain.Job{ID: t.JobID, UserID: t.Profile.UserID, URL: s.p.Objects.PublicURL(t.Profile.ObjectKey())}
	if t.JobID == "" {
		return fresh
	}
	j, err := s.p.Jobs.Job(ctx, t.JobID)
	if err != nil {
		return fresh
	}
	return j
}

// setState records a job's new state. Job records are informational: a
// failure to write one is logged and does not fail the job itself.
func (s *Service) setState(ctx context.Context, j domain.Job, st domain.JobStatus, reason string) {
	if j.ID == "" {
		return
	}
	j.Status, j.Error, j.UpdatedAt = st, reason, s.now().UTC()
	if err := s.p.Jobs.SaveJob(ctx, j); err != nil {
		s.log.WarnContext(ctx, "job state not recorded", "job_id", j.ID, "status", string(st), "err", err)
	}
}
