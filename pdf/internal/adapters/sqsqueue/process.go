package sqsqueue

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
	"prana/shared/requestid"
)

// Message attributes set on a malformed message moved to the dead-letter
// queue, so that whoever inspects it knows why it is there.
const (
	AttrMalformedReason = "prana-malformed-reason"
	AttrSourceMessageID = "prana-source-message-id"
)

// process settles one message: handle and delete it, leave it for another
// attempt, or move it to the dead-letter queue when it is malformed. It logs
// ids only: bodies hold personal data.
func (c *Consumer) process(ctx context.Context, h app.TaskHandler, m types.Message) {
	d := deliveryOf(m, c.opts.MaxReceiveCount)
	log := c.log.With("message_id", d.MessageID, "attempt", d.Attempt)
	if d.RequestID != "" {
		log = log.With("request_id", d.RequestID)
		ctx = requestid.NewContext(ctx, d.RequestID)
	}
	task, err := decodeMessage(aws.ToString(m.Body), m.MessageAttributes)
	if err != nil {
		c.rejectMalformed(ctx, h, m, log, err)
		return
	}
	if task.RequestedAt.IsZero() {
		// Seed messages carry no request time; the send time stands in, so a
		// redelivered seed message still renders the same bytes.
		task.RequestedAt = sentAt(m)
	}
	if task.EraseUserID != "" {
		log = log.With("erase_user_id", task.EraseUserID)
	} else {
		log = log.With("job_id", task.JobID, "user_id", task.Profile.UserID)
	}

	start := time.Now()
	if err := c.handle(ctx, h, task, d, aws.ToString(m.ReceiptHandle), log); err != nil {
		if ctx.Err() != nil {
			c.release(aws.ToString(m.ReceiptHandle), log, err)
			return
		}
		log.Warn("task failed; it will be retried", "last_attempt", d.LastAttempt, "err", err)
		if c.opts.RetryDelay > 0 {
			if err := c.changeVisibility(ctx, aws.ToString(m.ReceiptHandle), c.opts.RetryDelay); err != nil {
				log.Warn("could not shorten the retry delay", "err", err)
			}
		}
		return
	}
	if err := c.deletes.delete(ctx, aws.ToString(m.ReceiptHandle)); err != nil {
		log.Error("task done but its message not deleted; it will run again", "err", err)
		return
	}
	log.Info("task done", "duration", time.Since(start).String())
}

// release hands back the message of a handler cut off by the drain timeout,
// so another worker takes it now rather than once its visibility timeout
// has run out. ctx is over by then: the call gets the drain's grace.
func (c *Consumer) release(receipt string, log *slog.Logger, cause error) {
	ctx, cancel := context.WithTimeout(context.Background(), drainGrace)
	defer cancel()
	if err := c.changeVisibility(ctx, receipt, 0); err != nil {
		log.Warn("task stopped by the shutdown; its message returns after the visibility timeout", "err", cause, "release_err", err)
		return
	}
	log.Info("task stopped by the shutdown; its message is back on the queue", "err", cause)
}

// sentAt is when SQS accepted m (zero when the attribute is absent).
func sentAt(m types.Message) time.Time {
	ms, err := strconv.ParseInt(m.Attributes[string(types.MessageSystemAttributeNameSentTimestamp)], 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// delivery describes one receipt of a message: what the consumer logs
// about it, and whether it is the last attempt, which the app is told.
type delivery struct {
	MessageID string
	// Attempt counts deliveries, from 1 (SQS's ApproximateReceiveCount).
	Attempt int
	// LastAttempt is set when a failure now sends the message to the
	// dead-letter queue, so the app can record the job as failed.
	LastAttempt bool
	// RequestID is the id of the API request that queued the task, for
	// the logs; "" for messages that carry none (the seed's).
	RequestID string
}

// deliveryOf reads the attempt number SQS counted for m.
func deliveryOf(m types.Message, maxReceiveCount int) delivery {
	attempt, err := strconv.Atoi(m.Attributes[string(types.MessageSystemAttributeNameApproximateReceiveCount)])
	if err != nil || attempt < 1 {
		attempt = 1
	}
	return delivery{
		MessageID:   aws.ToString(m.MessageId),
		Attempt:     attempt,
		LastAttempt: attempt >= maxReceiveCount,
		RequestID:   requestIDOf(m),
	}
}

// handle runs the handler while keeping the message invisible to other
// receivers, so that a job longer than the visibility timeout is not
// delivered twice.
func (c *Consumer) handle(ctx context.Context, h app.TaskHandler, t domain.Task, d delivery, receipt string, log *slog.Logger) (err error) {
	beat, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		c.extendVisibility(beat, receipt, log)
	}()
	defer func() {
		stop()
		<-stopped
	}()
	defer func() {
		// A panicking handler must not take the whole worker down.
		if r := recover(); r != nil {
			log.Error("task handler panicked", "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("handler panicked: %v", r)
		}
	}()
	return h.ProcessTask(ctx, t, d.LastAttempt)
}

// extendVisibility renews the message's visibility timeout every half of it
// until ctx ends.
func (c *Consumer) extendVisibility(ctx context.Context, receipt string, log *slog.Logger) {
	tick := time.NewTicker(c.opts.VisibilityTimeout / 2)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := c.changeVisibility(ctx, receipt, c.opts.VisibilityTimeout); err != nil && ctx.Err() == nil {
				log.Warn("could not extend visibility; the task may run twice", "err", err)
			}
		}
	}
}

// rejectMalformed moves a message that can never be processed to the
// dead-letter queue at once instead of letting it be retried: copy, then
// delete. If the copy fails the message stays, to be tried again.
func (c *Consumer) rejectMalformed(ctx context.Context, h app.TaskHandler, m types.Message, log *slog.Logger, reason error) {
	userID, jobID := lenientJobID(aws.ToString(m.Body))
	log = log.With("job_id", jobID, "reason", reason)
	dlq, err := c.deadLetterURL(ctx)
	if err != nil {
		log.Error("malformed message kept: no dead-letter queue", "err", err)
		return
	}
	sendCtx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	_, err = c.client.SendMessage(sendCtx, &sqs.SendMessageInput{
		QueueUrl:    aws.String(dlq),
		MessageBody: m.Body,
		MessageAttributes: map[string]types.MessageAttributeValue{
			AttrMalformedReason: {DataType: aws.String("String"), StringValue: aws.String(reason.Error())},
			AttrSourceMessageID: {DataType: aws.String("String"), StringValue: m.MessageId},
		},
	})
	if err != nil {
		log.Error("malformed message kept: copy to the dead-letter queue failed", "err", err)
		return
	}
	if err := c.delete(ctx, aws.ToString(m.ReceiptHandle)); err != nil {
		// It will be received, and copied, again: a duplicate dead letter
		// is better than a lost one.
		log.Error("malformed message copied to the dead-letter queue but not deleted", "err", err)
	}
	log.Warn("malformed message moved to the dead-letter queue")
	h.FailMalformed(ctx, userID, jobID, reason)
}

// deadLetterURL is the configured DLQ, or the one the queue's redrive policy
// names, looked up once.
func (c *Consumer) deadLetterURL(ctx context.Context) (string, error) {
	c.dlqMu.Lock()
	defer c.dlqMu.Unlock()
	if c.dlqURL != "" {
		return c.dlqURL, nil
	}
	url, err := deadLetterURL(ctx, c.client, c.queueURL)
	if err != nil {
		return "", err
	}
	c.dlqURL = url
	return url, nil
}

func (c *Consumer) changeVisibility(ctx context.Context, receipt string, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	_, err := c.client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl:          aws.String(c.queueURL),
		ReceiptHandle:     aws.String(receipt),
		VisibilityTimeout: int32((d + time.Second - 1) / time.Second),
	})
	if err != nil {
		return fmt.Errorf("sqsqueue: change visibility: %w", err)
	}
	return nil
}

func (c *Consumer) delete(ctx context.Context, receipt string) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if _, err := c.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{
		QueueUrl:      aws.String(c.queueURL),
		ReceiptHandle: aws.String(receipt),
	}); err != nil {
		return fmt.Errorf("sqsqueue: delete message: %w", err)
	}
	return nil
}
