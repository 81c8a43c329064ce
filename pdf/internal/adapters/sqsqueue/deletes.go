package sqsqueue

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// deleter deletes handled messages in batches (DeleteMessageBatch, up to
// ten a call) without delaying any: a flusher sends whatever has queued up
// while the previous batch was in flight, so batches grow with the load
// and a lone message goes out at once.
type deleter struct {
	client   *sqs.Client
	queueURL string
	reqs     chan deleteReq
}

type deleteReq struct {
	receipt string
	done    chan error // buffered: the flusher never waits on it
}

// flushers is how many batches may be in flight at once.
const flushers = 2

func newDeleter(client *sqs.Client, queueURL string) *deleter {
	return &deleter{client: client, queueURL: queueURL, reqs: make(chan deleteReq)}
}

// run flushes batches until ctx ends. Callers of delete must be done
// before then.
func (d *deleter) run(ctx context.Context) {
	for range flushers {
		go func() {
			for {
				select {
				case r := <-d.reqs:
					d.flush(ctx, d.collect(r))
				case <-ctx.Done():
					return
				}
			}
		}()
	}
}

// collect takes first and whatever else is waiting, up to a batch.
func (d *deleter) collect(first deleteReq) []deleteReq {
	batch := []deleteReq{first}
	for len(batch) < maxBatch {
		select {
		case r := <-d.reqs:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// delete deletes the message with this receipt handle, in a batch with
// others, and waits for the outcome.
func (d *deleter) delete(ctx context.Context, receipt string) error {
	r := deleteReq{receipt: receipt, done: make(chan error, 1)}
	select {
	case d.reqs <- r:
	case <-ctx.Done():
		return fmt.Errorf("sqsqueue: delete message: %w", ctx.Err())
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("sqsqueue: delete message: %w", ctx.Err())
	}
}

// flush sends one DeleteMessageBatch and tells each caller its outcome.
func (d *deleter) flush(ctx context.Context, batch []deleteReq) {
	entries := make([]types.DeleteMessageBatchRequestEntry, len(batch))
	for i, r := range batch {
		entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String(r.receipt)}
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	out, err := d.client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(d.queueURL), Entries: entries})
	if err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("sqsqueue: delete message batch: %w", err)
		}
		return
	}
	failed := make(map[string]error, len(out.Failed))
	for _, f := range out.Failed {
		failed[aws.ToString(f.Id)] = fmt.Errorf("sqsqueue: delete message: %s: %w", aws.ToString(f.Code), errDeleteRefused)
	}
	for i, r := range batch {
		r.done <- failed[strconv.Itoa(i)] // nil when it succeeded
	}
}

// errDeleteRefused marks a batch entry SQS refused (e.g. an expired
// receipt handle): the message comes back and runs again.
var errDeleteRefused = errors.New("refused by the queue")
