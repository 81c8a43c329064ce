package sqsqueue

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"prana/pdf/internal/app/apptest"
	"prana/pdf/internal/domain"
)

// The Publisher and the Consumer keep the publish/consume contract the
// app's fake queue keeps (apptest), here on the SQS emulator.
func TestPublisherAndConsumerKeepTheTaskQueueContract(t *testing.T) {
	t.Parallel()
	apptest.RunTaskQueueContract(t, func(t *testing.T) apptest.TaskQueueUnderTest {
		q := newQueue(t, QueueOptions{})
		tasks := make(chan domain.Task, 16)
		h := &apptest.TaskHandler{Process: func(_ context.Context, task domain.Task, _ bool) error {
			tasks <- task
			return nil
		}}
		c := NewConsumer(q.client, q.url, slog.New(slog.NewTextHandler(io.Discard, nil)),
			ConsumerOptions{WaitTime: time.Second, Receivers: 1, Concurrency: 4})
		run(t, c, h)
		return apptest.TaskQueueUnderTest{
			Publisher: NewPublisher(q.client, q.url, PublisherOptions{}),
			Next: func(ctx context.Context) (domain.Task, error) {
				select {
				case task := <-tasks:
					return task, nil
				case <-ctx.Done():
					return domain.Task{}, ctx.Err()
				}
			},
		}
	})
}
