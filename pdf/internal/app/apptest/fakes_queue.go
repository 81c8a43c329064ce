package apptest

import (
	"context"
	"sync"
	"time"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
)

// Queue is an in-memory app.TaskPublisher with a consume side (Next). On
// each Publish it records the job record as it stood at that moment in
// Jobs, when set, so tests can check the order of saving and publishing.
type Queue struct {
	Jobs app.JobStore
	// Err, when set, is Publish's answer: the queue refused the message.
	Err error
	// During, when set, runs inside Publish (e.g. the client goes away).
	During func()

	mu        sync.Mutex
	Published []domain.Task
	SeenJob   []domain.Job
	sentAt    []time.Time // when each of Published was accepted
	next      int         // Next's cursor into Published
}

// Publish accepts t unless Err is set or ctx has ended.
func (q *Queue) Publish(ctx context.Context, t domain.Task) error {
	var j domain.Job
	if q.Jobs != nil {
		j, _ = q.Jobs.Job(ctx, t.Profile.UserID, t.JobID)
	}
	if q.During != nil {
		q.During()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.SeenJob = append(q.SeenJob, j)
	if q.Err != nil {
		return q.Err
	}
	// A real queue's call fails on an ended context: nothing is sent.
	if err := ctx.Err(); err != nil {
		return err
	}
	q.Published = append(q.Published, t)
	q.sentAt = append(q.sentAt, time.Now())
	return nil
}

// Next returns the next published task not yet taken, waiting for one
// until ctx ends. A task published without a request time (the seed's)
// comes with the time it was sent instead, as the real consumer does, so
// that every delivery of it renders the same bytes.
func (q *Queue) Next(ctx context.Context) (domain.Task, error) {
	for {
		q.mu.Lock()
		if q.next < len(q.Published) {
			t := q.Published[q.next]
			if t.RequestedAt.IsZero() {
				t.RequestedAt = q.sentAt[q.next].UTC()
			}
			q.next++
			q.mu.Unlock()
			return t, nil
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return domain.Task{}, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

var _ app.TaskPublisher = (*Queue)(nil)
