package awsstack

import (
	"context"
	"sync"
	"time"

	"prana/pdf/internal/adapters/sqsqueue"
	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
)

// Objects is the bucket as the app's ObjectStore and JobStore: until the
// bucket is set up every call fails at once with ErrNotConnected, rather
// than go to a bucket that may not exist yet.
type Objects struct{ st *Stack }

// Objects returns the stack's gated bucket.
func (st *Stack) Objects() Objects { return Objects{st} }

// PutPDF stores a rendered PDF.
func (o Objects) PutPDF(ctx context.Context, key string, body []byte) error {
	if _, err := o.st.bucket.get(); err != nil {
		return err
	}
	return o.st.Store.PutPDF(ctx, key, body)
}

// PublicURL needs no connection: it is computed from the configuration.
func (o Objects) PublicURL(key string) string { return o.st.Store.PublicURL(key) }

// SaveJob writes a job record.
func (o Objects) SaveJob(ctx context.Context, j domain.Job) error {
	if _, err := o.st.bucket.get(); err != nil {
		return err
	}
	return o.st.Store.SaveJob(ctx, j)
}

// Job reads a job record of userID's.
func (o Objects) Job(ctx context.Context, userID, id string) (domain.Job, error) {
	if _, err := o.st.bucket.get(); err != nil {
		return domain.Job{}, err
	}
	return o.st.Store.Job(ctx, userID, id)
}

// DeleteObject deletes an object (an erasure).
func (o Objects) DeleteObject(ctx context.Context, key string) error {
	if _, err := o.st.bucket.get(); err != nil {
		return err
	}
	return o.st.Store.DeleteObject(ctx, key)
}

// DeleteJobsOf deletes a user's job records (an erasure).
func (o Objects) DeleteJobsOf(ctx context.Context, userID string) error {
	if _, err := o.st.bucket.get(); err != nil {
		return err
	}
	return o.st.Store.DeleteJobsOf(ctx, userID)
}

// TakeUpload counts an upload against the user's limit.
func (o Objects) TakeUpload(ctx context.Context, userID string, limit int, window time.Duration) (bool, time.Duration, error) {
	if _, err := o.st.bucket.get(); err != nil {
		return false, 0, err
	}
	return o.st.Store.TakeUpload(ctx, userID, limit, window)
}

// ActiveJob reads the user's current job pointer.
func (o Objects) ActiveJob(ctx context.Context, userID string) (app.ActivePointer, bool, error) {
	if _, err := o.st.bucket.get(); err != nil {
		return app.ActivePointer{}, false, err
	}
	return o.st.Store.ActiveJob(ctx, userID)
}

// SetActiveJob swaps the user's current job pointer.
func (o Objects) SetActiveJob(ctx context.Context, userID string, prev, next app.ActivePointer) error {
	if _, err := o.st.bucket.get(); err != nil {
		return err
	}
	return o.st.Store.SetActiveJob(ctx, userID, prev, next)
}

// ForgetUser deletes the user's upload bookkeeping (an erasure).
func (o Objects) ForgetUser(ctx context.Context, userID string) error {
	if _, err := o.st.bucket.get(); err != nil {
		return err
	}
	return o.st.Store.ForgetUser(ctx, userID)
}

// Publisher is the task queue as the app's TaskPublisher: until the queue
// is set up (its URL known), Publish fails at once with ErrNotConnected.
type Publisher struct {
	st   *Stack
	opts sqsqueue.PublisherOptions

	once sync.Once
	pub  *sqsqueue.Publisher
}

// Publisher returns a gated publisher to the stack's queue.
func (st *Stack) Publisher(opts sqsqueue.PublisherOptions) *Publisher {
	return &Publisher{st: st, opts: opts}
}

// Publish puts t on the queue.
func (p *Publisher) Publish(ctx context.Context, t domain.Task) error {
	url, err := p.st.queue.get()
	if err != nil {
		return err
	}
	p.once.Do(func() { p.pub = sqsqueue.NewPublisher(p.st.SQS, url, p.opts) })
	return p.pub.Publish(ctx, t)
}

// Interface guards.
var (
	_ app.ObjectStore   = Objects{}
	_ app.JobStore      = Objects{}
	_ app.UploadGuard   = Objects{}
	_ app.TaskPublisher = (*Publisher)(nil)
)
