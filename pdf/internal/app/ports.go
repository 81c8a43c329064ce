package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"prana/pdf/internal/domain"
)

// Renderer turns a profile into a PDF document, in memory.
type Renderer interface {
	Render(ctx context.Context, p domain.Profile, generatedAt time.Time) ([]byte, error)
}

// DocumentCache keeps rendered documents by a key that names their content,
// so a profile seen before is served without rendering it again.
type DocumentCache interface {
	// Document returns the document stored under key, or calls render,
	// stores and returns its result. Concurrent callers of one key share a
	// single render; a failed render is not stored.
	Document(ctx context.Context, key string, render func(context.Context) ([]byte, error)) ([]byte, error)
}

// TaskPublisher puts a task on the job queue. A nil error means the queue has
// accepted the message.
type TaskPublisher interface {
	Publish(ctx context.Context, t domain.Task) error
}

// ObjectStore keeps rendered PDFs where users can fetch them.
type ObjectStore interface {
	// PutPDF stores body under key with content type application/pdf.
	PutPDF(ctx context.Context, key string, body []byte) error
	// PublicURL is the address a stored key can be fetched from.
	PublicURL(key string) string
	// DeleteObject deletes key; a missing key is not an error.
	DeleteObject(ctx context.Context, key string) error
}

// JobStore keeps job records so that their state survives restarts.
type JobStore interface {
	SaveJob(ctx context.Context, j domain.Job) error
	// Job returns one of userID's jobs, or domain.ErrJobNotFound.
	Job(ctx context.Context, userID, id string) (domain.Job, error)
	// DeleteJobsOf deletes every job record of userID.
	DeleteJobsOf(ctx context.Context, userID string) error
}

// UploadGuard keeps the per-user bookkeeping of uploads where every
// replica sees it: how many uploads each user made this minute, and which
// job is the user's current one.
type UploadGuard interface {
	// TakeUpload counts one upload of userID against limit per window. When
	// the window is full it returns ok false and how long until it ends.
	TakeUpload(ctx context.Context, userID string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error)
	// ActiveJob returns the user's current job pointer; found is false
	// when there is none.
	ActiveJob(ctx context.Context, userID string) (p ActivePointer, found bool, err error)
	// SetActiveJob replaces the user's pointer, only if it is still the
	// one read (prev; the zero pointer when there was none): a
	// compare-and-swap, ErrConflict when another request got there first.
	SetActiveJob(ctx context.Context, userID string, prev, next ActivePointer) error
	// ForgetUser deletes the user's bookkeeping (account erasure).
	ForgetUser(ctx context.Context, userID string) error
}

// ActivePointer names a user's current job. Version is the store's own
// token for compare-and-swap (an ETag); callers only pass it back.
type ActivePointer struct {
	JobID   string
	Since   time.Time
	Version string
}

// ErrConflict is SetActiveJob's answer when the pointer changed since it
// was read.
var ErrConflict = errors.New("changed concurrently")

// TaskHandler is the worker's use cases as a queue consumer drives them:
// the one port the app offers rather than uses. The consumer calls it with
// each task it receives and whether this delivery is the last attempt (a
// failure now is final), and tells it of a message that can never be
// processed. *Worker implements it.
type TaskHandler interface {
	// ProcessTask processes one task. A nil error means the task is done
	// and its message may be deleted; an error asks for another attempt.
	ProcessTask(ctx context.Context, t domain.Task, lastAttempt bool) error
	// FailMalformed is told of a message that could not be read; userID
	// and jobID are "" when they could not be read from it either.
	FailMalformed(ctx context.Context, userID, jobID string, reason error)
}

// port is one named port handed to a constructor, for missingPorts.
type port struct {
	name string
	set  bool
}

// missingPorts refuses a wiring that left a port out: a nil port would
// fail on the first request that needs it, long after start-up.
func missingPorts(of string, ports ...port) error {
	var missing []string
	for _, p := range ports {
		if !p.set {
			missing = append(missing, p.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: nil port(s): %s", of, strings.Join(missing, ", "))
	}
	return nil
}
