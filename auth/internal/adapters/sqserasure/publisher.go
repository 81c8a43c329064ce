// Package sqserasure sends erasures to the pdf worker over its SQS queue
// (the message is shared/erasuremsg). The auth service only sends: the
// queue belongs to the pdf side, which creates it; until it exists, or
// while SQS cannot be reached, sending fails and the outbox retries.
package sqserasure

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"prana/auth/internal/app"
	"prana/shared/erasuremsg"
)

// Publisher sends erasures to the queue named at construction.
type Publisher struct {
	client *sqs.Client
	queue  string

	mu  sync.Mutex
	url string // looked up on first use, and again after a failure
}

// New returns a Publisher for the queue called queueName.
func New(client *sqs.Client, queueName string) *Publisher {
	return &Publisher{client: client, queue: queueName}
}

// PublishErasure sends the erasure of userID.
func (p *Publisher) PublishErasure(ctx context.Context, userID string) error {
	url, err := p.queueURL(ctx)
	if err != nil {
		return err
	}
	_, err = p.client.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:    aws.String(url),
		MessageBody: aws.String(erasuremsg.Encode(userID)),
		MessageAttributes: map[string]types.MessageAttributeValue{
			erasuremsg.KindAttribute: {DataType: aws.String("String"), StringValue: aws.String(erasuremsg.KindEraseUser)},
		},
	})
	if err != nil {
		p.forget()
		return fmt.Errorf("send erasure: %w", err)
	}
	return nil
}

func (p *Publisher) queueURL(ctx context.Context) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.url != "" {
		return p.url, nil
	}
	out, err := p.client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(p.queue)})
	if err != nil {
		return "", fmt.Errorf("queue %s: %w", p.queue, err)
	}
	p.url = aws.ToString(out.QueueUrl)
	return p.url, nil
}

// forget drops the looked-up URL, so a queue recreated elsewhere is found.
func (p *Publisher) forget() {
	p.mu.Lock()
	p.url = ""
	p.mu.Unlock()
}

var _ app.ErasurePublisher = (*Publisher)(nil)
