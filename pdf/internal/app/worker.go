package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"prana/pdf/internal/domain"
)

// WorkerPorts are the adapters a Worker uses; none may be nil.
type WorkerPorts struct {
	Renderer Renderer
	Objects  ObjectStore
	Jobs     JobStore
	// Uploads is only told to forget an erased user's bookkeeping.
	Uploads UploadGuard
}

// Worker runs the worker's use cases: it processes the tasks a queue
// consumer hands it, through the TaskHandler port.
type Worker struct {
	p      WorkerPorts
	log    *slog.Logger
	states jobStates
	now    func() time.Time
}

var _ TaskHandler = (*Worker)(nil)

// NewWorker returns a Worker, or an error naming the ports left nil.
func NewWorker(p WorkerPorts, log *slog.Logger) (*Worker, error) {
	err := missingPorts("app.NewWorker",
		port{"Renderer", p.Renderer != nil}, port{"Objects", p.Objects != nil},
		port{"Jobs", p.Jobs != nil}, port{"Uploads", p.Uploads != nil}, port{"log", log != nil})
	if err != nil {
		return nil, err
	}
	return &Worker{p: p, log: log, states: jobStates{jobs: p.Jobs, log: log, now: time.Now}, now: time.Now}, nil
}

// ProcessTask renders a queued task and stores the PDF. It is idempotent: a
// redelivered task renders the same bytes (the generation time printed is
// the request time) to the same key. lastAttempt says the queue will not
// deliver the task again, so a failure now is final (see jobstate.go for
// the states a job goes through).
func (w *Worker) ProcessTask(ctx context.Context, t domain.Task, lastAttempt bool) error {
	if t.EraseUserID != "" {
		return w.EraseUser(ctx, t.EraseUserID)
	}
	job := w.jobFor(t)
	generatedAt := t.RequestedAt
	if generatedAt.IsZero() {
		generatedAt = w.now().UTC()
	}
	if err := w.renderAndStore(ctx, t.Profile, generatedAt); err != nil {
		w.states.attemptFailed(ctx, job, lastAttempt)
		return err
	}
	w.states.done(ctx, job)
	return nil
}

func (w *Worker) renderAndStore(ctx context.Context, p domain.Profile, at time.Time) error {
	doc, err := w.p.Renderer.Render(ctx, p, at)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	if err := w.p.Objects.PutPDF(ctx, p.ObjectKey(), doc); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// EraseUser deletes what S3 holds of a deleted account: the profile PDF,
// every job record and the upload bookkeeping. It is idempotent, so the auth service may ask twice
// (it does: once at the deletion, once when the last access token issued
// before it has expired, for an upload queued in between).
func (w *Worker) EraseUser(ctx context.Context, userID string) error {
	key := domain.Profile{UserID: userID}.ObjectKey()
	if err := w.p.Objects.DeleteObject(ctx, key); err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	if err := w.p.Jobs.DeleteJobsOf(ctx, userID); err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	if err := w.p.Uploads.ForgetUser(ctx, userID); err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	w.log.InfoContext(ctx, "user's files erased", "user_id", userID)
	return nil
}

// FailMalformed marks the job of a message that could not be read as
// failed; such a message is never retried. userID may be empty (the
// message did not say): the record cannot be found then.
func (w *Worker) FailMalformed(ctx context.Context, userID, jobID string, reason error) {
	if jobID == "" || userID == "" {
		return
	}
	j, err := w.p.Jobs.Job(ctx, userID, jobID)
	if err != nil {
		w.log.WarnContext(ctx, "malformed task for unknown job", "job_id", jobID,
			requestIDAttr(ctx), "err", reason)
		return
	}
	w.states.malformed(ctx, j)
}

// jobFor is the task's job record as the API wrote it (no ID for seed
// messages, which have none). The task holds all of it, so the worker need
// not read the record back: one S3 call less per job, and a presigned URL
// the store hands out on reading can never be saved into the record.
func (w *Worker) jobFor(t domain.Task) domain.Job {
	return domain.Job{ID: t.JobID, UserID: t.Profile.UserID, URL: w.p.Objects.PublicURL(t.Profile.ObjectKey())}
}
