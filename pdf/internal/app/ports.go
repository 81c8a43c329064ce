package app

import (
	"context"
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
