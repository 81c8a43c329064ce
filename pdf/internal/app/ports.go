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
}

// JobStore keeps job records so that their state survives restarts.
type JobStore interface {
	SaveJob(ctx context.Context, j domain.Job) error
	// Job returns domain.ErrJobNotFound when there is no such job.
	Job(ctx context.Context, id string) (domain.Job, error)
}
