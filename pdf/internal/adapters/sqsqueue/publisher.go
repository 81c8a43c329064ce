package sqsqueue

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
)

// DefaultPublishTimeout bounds one Publish, retries included: the HTTP
// request waiting on it should answer 503 rather than hang.
const DefaultPublishTimeout = 5 * time.Second

// PublisherOptions configure a Publisher. Zero values take the defaults.
type PublisherOptions struct {
	Timeout time.Duration // per Publish; default 5 s
}

// Publisher puts tasks on the job queue, one message per task.
type Publisher struct {
	client   *sqs.Client
	queueURL string
	timeout  time.Duration
}

// NewPublisher returns a Publisher for the queue at queueURL.
func NewPublisher(client *sqs.Client, queueURL string, opts PublisherOptions) *Publisher {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultPublishTimeout
	}
	return &Publisher{client: client, queueURL: queueURL, timeout: opts.Timeout}
}

// Publish sends t. A nil error means SQS has stored the message. The
// request id in ctx, if any, travels with it as a message attribute.
func (p *Publisher) Publish(ctx context.Context, t domain.Task) error {
	body, err := encodeTask(t)
	if err != nil {
		return fmt.Errorf("sqsqueue: publish job %s: %w", t.JobID, err)
	}
	attrs := requestIDAttributes(ctx)
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	if _, err := p.client.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:          aws.String(p.queueURL),
		MessageBody:       aws.String(body),
		MessageAttributes: attrs,
	}); err != nil {
		return fmt.Errorf("sqsqueue: publish job %s: %w", t.JobID, err)
	}
	return nil
}

// Ping checks that the queue answers, for readiness probes.
func (p *Publisher) Ping(ctx context.Context) error { return ping(ctx, p.client, p.queueURL) }

// Interface guard.
var _ app.TaskPublisher = (*Publisher)(nil)
