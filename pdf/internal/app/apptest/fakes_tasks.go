package apptest

import (
	"context"
	"sync"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
)

// TaskHandler is an in-memory app.TaskHandler, the port a queue consumer
// drives: it answers each task with Process and records the malformed
// messages it is told of, for the consumer's tests.
type TaskHandler struct {
	// Process answers each task; nil: every task succeeds.
	Process func(ctx context.Context, t domain.Task, lastAttempt bool) error

	mu        sync.Mutex
	malformed []Malformed
}

// Malformed is one FailMalformed call.
type Malformed struct {
	UserID, JobID string
	Reason        error
}

var _ app.TaskHandler = (*TaskHandler)(nil)

// ProcessTask calls Process.
func (h *TaskHandler) ProcessTask(ctx context.Context, t domain.Task, lastAttempt bool) error {
	if h.Process == nil {
		return nil
	}
	return h.Process(ctx, t, lastAttempt)
}

// FailMalformed records the call.
func (h *TaskHandler) FailMalformed(_ context.Context, userID, jobID string, reason error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.malformed = append(h.malformed, Malformed{UserID: userID, JobID: jobID, Reason: reason})
}

// Malformed returns the FailMalformed calls so far, in order.
func (h *TaskHandler) Malformed() []Malformed {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Malformed(nil), h.malformed...)
}
