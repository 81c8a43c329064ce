package sqsqueue

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"prana/pdf/internal/app"
	"prana/shared/erasuremsg"
)

// Consumer receives tasks from one queue and hands each to the app's
// TaskHandler (the worker's use cases).
// Several receivers long-poll at once, so that a receive round trip never
// leaves the handlers idle; they feed a bounded pool of handlers; handled
// messages are deleted in batches.
type Consumer struct {
	client   *sqs.Client
	queueURL string
	log      *slog.Logger
	opts     ConsumerOptions
	backoff  *backoff
	deletes  *deleter

	dlqMu  sync.Mutex
	dlqURL string
}

// NewConsumer returns a Consumer for the queue at queueURL.
func NewConsumer(client *sqs.Client, queueURL string, log *slog.Logger, opts ConsumerOptions) *Consumer {
	opts = opts.withDefaults()
	return &Consumer{
		client:   client,
		queueURL: queueURL,
		log:      log.With("queue_url", queueURL),
		opts:     opts,
		backoff:  &backoff{min: opts.MinBackoff, max: opts.MaxBackoff},
		deletes:  newDeleter(client, queueURL),
		dlqURL:   opts.DeadLetterURL,
	}
}

// Run receives and handles messages until ctx is cancelled. It then starts
// no new receive, lets the receives in flight end and the running handlers
// finish, all within the drain timeout, and returns. A queue it cannot reach
// is retried with backoff: Run does not give up. The error is non-nil only
// when the drain timed out.
//
// Each task goes to h.ProcessTask, told whether this is its last attempt.
// A nil error deletes the message; an error leaves it to come back, until
// SQS moves it to the dead-letter queue after the last attempt. The
// handler's ctx is not cancelled by the shutdown, only when the drain
// timeout runs out. A message that can never be processed is moved to the
// dead-letter queue at once, and h.FailMalformed told.
func (c *Consumer) Run(ctx context.Context, h app.TaskHandler) error {
	// Receives, handlers and the calls that settle their messages get a
	// context that outlives ctx, so that a shutdown lets them finish.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	c.deletes.run(work)

	// A token per message held, from its receipt until it is settled: the
	// consumer never holds more messages than it can work on, so none sits
	// invisible to other workers while waiting here.
	slots := make(chan struct{}, c.opts.Concurrency)
	var handlers, receivers sync.WaitGroup
	c.log.Info("sqs consumer started", "concurrency", c.opts.Concurrency, "receivers", c.opts.Receivers)
	for range c.opts.Receivers {
		receivers.Go(func() { c.receiveLoop(ctx, work, h, slots, &handlers) })
	}
	<-ctx.Done()
	return c.drain(&receivers, &handlers, stopWork)
}

// receiveLoop receives into free slots and starts a handler per message,
// until ctx ends. A receive in flight when ctx ends is not cut short: SQS
// may already have taken messages for it, and an answer dropped on the way
// would leave them invisible to every worker for the visibility timeout.
// It runs on work and ends within its long poll; what it brings is handled.
func (c *Consumer) receiveLoop(ctx, work context.Context, h app.TaskHandler, slots chan struct{}, handlers *sync.WaitGroup) {
	for ctx.Err() == nil {
		if !c.backoff.wait(ctx) {
			return
		}
		n := acquire(ctx, slots)
		if n == 0 {
			return
		}
		msgs, err := c.receive(work, n)
		for range n - len(msgs) {
			<-slots
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.log.Warn("sqs receive failed; retrying", "retry_in", c.backoff.failed().Round(time.Millisecond), "err", err)
			continue
		}
		c.backoff.succeeded()
		for _, m := range msgs {
			handlers.Go(func() {
				defer func() { <-slots }()
				c.process(work, h, m)
			})
		}
	}
}

// acquire takes one free slot, waiting for it, then as many more as are free
// now, up to a batch. It returns 0 when ctx ends first.
func acquire(ctx context.Context, slots chan struct{}) int {
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return 0
	}
	n := 1
	for n < maxBatch {
		select {
		case slots <- struct{}{}:
			n++
		default:
			return n
		}
	}
	return n
}

// receive long-polls for up to n messages. Cancelling ctx ends the poll.
func (c *Consumer) receive(ctx context.Context, n int) ([]types.Message, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.WaitTime+callTimeout)
	defer cancel()
	out, err := c.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:              aws.String(c.queueURL),
		MaxNumberOfMessages:   int32(n),
		WaitTimeSeconds:       int32(c.opts.WaitTime / time.Second),
		VisibilityTimeout:     int32(c.opts.VisibilityTimeout / time.Second),
		MessageAttributeNames: []string{AttrRequestID, erasuremsg.KindAttribute},
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{
			types.MessageSystemAttributeNameApproximateReceiveCount, types.MessageSystemAttributeNameSentTimestamp,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("sqsqueue: receive: %w", err)
	}
	return out.Messages, nil
}

// drain waits for the receives in flight, then for the handlers they and
// earlier ones started. At the drain timeout it cancels what still runs;
// the messages of cancelled handlers are handed back to the queue at once
// (see process).
func (c *Consumer) drain(receivers, handlers *sync.WaitGroup, stopWork context.CancelFunc) error {
	done := make(chan struct{})
	go func() {
		receivers.Wait() // every handlers.Go has happened once they are done
		handlers.Wait()
		close(done)
	}()
	timer := time.NewTimer(c.opts.DrainTimeout)
	defer timer.Stop()
	select {
	case <-done:
		c.log.Info("sqs consumer stopped")
		return nil
	case <-timer.C:
	}
	stopWork()
	select {
	case <-done:
	case <-time.After(drainGrace):
	}
	c.log.Error("sqs consumer drain timed out; unfinished messages will be redelivered", "drain_timeout", c.opts.DrainTimeout)
	return fmt.Errorf("sqsqueue: drain timed out after %s", c.opts.DrainTimeout)
}

// Ping checks that the queue answers, for readiness probes.
func (c *Consumer) Ping(ctx context.Context) error { return ping(ctx, c.client, c.queueURL) }

// sleep waits for d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
