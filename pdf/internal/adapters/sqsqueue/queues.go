package sqsqueue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Defaults shared by EnsureQueues and the Consumer: the consumer's idea of
// the last attempt must match the queue's redrive policy.
const (
	DefaultMaxReceiveCount   = 5
	DefaultVisibilityTimeout = 60 * time.Second
)

// DLQSuffix is appended to the queue name to name its dead-letter queue.
const DLQSuffix = "-dlq"

// dlqRetention keeps dead letters for SQS's maximum, 14 days: longer than the
// main queue's 4 days, so that a message's age never expires it before
// someone looks.
const dlqRetention = 14 * 24 * time.Hour

// callTimeout bounds every SQS call but the long poll, so that a stalled
// connection cannot hang a request or a worker. The SDK sets none.
const callTimeout = 10 * time.Second

// QueueOptions configure the queue EnsureQueues creates. Zero values take
// the defaults.
type QueueOptions struct {
	MaxReceiveCount   int           // deliveries before redrive to the DLQ; default 5
	VisibilityTimeout time.Duration // whole seconds; default 60 s
}

func (o QueueOptions) withDefaults() QueueOptions {
	if o.MaxReceiveCount <= 0 {
		o.MaxReceiveCount = DefaultMaxReceiveCount
	}
	if o.VisibilityTimeout <= 0 {
		o.VisibilityTimeout = DefaultVisibilityTimeout
	}
	return o
}

// EnsureQueues creates the dead-letter queue <name>-dlq and the queue <name>
// redriving to it, unless they exist, and returns the queue's URL. When the
// queue exists with other attributes they are updated to opts, so a changed
// setting takes effect on the next start.
func EnsureQueues(ctx context.Context, client *sqs.Client, name string, opts QueueOptions) (queueURL string, err error) {
	opts = opts.withDefaults()
	dlqURL, err := ensureQueue(ctx, client, name+DLQSuffix, map[string]string{
		string(types.QueueAttributeNameMessageRetentionPeriod): seconds(dlqRetention),
	})
	if err != nil {
		return "", err
	}
	dlqARN, err := queueAttribute(ctx, client, dlqURL, types.QueueAttributeNameQueueArn)
	if err != nil {
		return "", err
	}
	redrive, err := json.Marshal(struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		MaxReceiveCount     int    `json:"maxReceiveCount"`
	}{dlqARN, opts.MaxReceiveCount})
	if err != nil {
		return "", fmt.Errorf("sqsqueue: redrive policy: %w", err)
	}
	return ensureQueue(ctx, client, name, map[string]string{
		string(types.QueueAttributeNameVisibilityTimeout): seconds(opts.VisibilityTimeout),
		string(types.QueueAttributeNameRedrivePolicy):     string(redrive),
	})
}

// QueueURL looks up the URL of an existing queue, for deployments where the
// queues are made by infrastructure code and the service may not create them.
func QueueURL(ctx context.Context, client *sqs.Client, name string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	out, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("sqsqueue: get queue url %s: %w", name, err)
	}
	return aws.ToString(out.QueueUrl), nil
}

// ensureQueue creates a queue with attrs, or finds the existing one, and
// then sets attrs on it so that a changed setting takes effect. The extra
// call is deliberate: real SQS refuses a CreateQueue whose attributes differ
// (QueueNameExists), while emulators such as kumo return the old queue
// unchanged; setting them afterwards behaves the same on both.
func ensureQueue(ctx context.Context, client *sqs.Client, name string, attrs map[string]string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var url string
	out, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	var exists *types.QueueNameExists
	switch {
	case err == nil:
		url = aws.ToString(out.QueueUrl)
	case errors.As(err, &exists):
		got, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
		if err != nil {
			return "", fmt.Errorf("sqsqueue: get queue url %s: %w", name, err)
		}
		url = aws.ToString(got.QueueUrl)
	default:
		return "", fmt.Errorf("sqsqueue: create queue %s: %w", name, err)
	}
	if _, err := client.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: &url, Attributes: attrs}); err != nil {
		return "", fmt.Errorf("sqsqueue: set attributes of queue %s: %w", name, err)
	}
	return url, nil
}

// queueAttribute reads one attribute of a queue.
func queueAttribute(ctx context.Context, client *sqs.Client, queueURL string, name types.QueueAttributeName) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	out, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       aws.String(queueURL),
		AttributeNames: []types.QueueAttributeName{name},
	})
	if err != nil {
		return "", fmt.Errorf("sqsqueue: get %s of %s: %w", name, queueURL, err)
	}
	v, ok := out.Attributes[string(name)]
	if !ok {
		return "", fmt.Errorf("sqsqueue: queue %s has no %s", queueURL, name)
	}
	return v, nil
}

// Ping checks that the queue at queueURL answers, for readiness probes.
func Ping(ctx context.Context, client *sqs.Client, queueURL string) error {
	return ping(ctx, client, queueURL)
}

// ping checks that the queue answers, for readiness probes.
func ping(ctx context.Context, client *sqs.Client, queueURL string) error {
	_, err := queueAttribute(ctx, client, queueURL, types.QueueAttributeNameQueueArn)
	return err
}

// deadLetterURL finds the URL of the queue's DLQ from its redrive policy.
func deadLetterURL(ctx context.Context, client *sqs.Client, queueURL string) (string, error) {
	policy, err := queueAttribute(ctx, client, queueURL, types.QueueAttributeNameRedrivePolicy)
	if err != nil {
		return "", err
	}
	var rp struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	}
	if err := json.Unmarshal([]byte(policy), &rp); err != nil {
		return "", fmt.Errorf("sqsqueue: redrive policy of %s: %w", queueURL, err)
	}
	// arn:aws:sqs:<region>:<account>:<name>
	name := rp.DeadLetterTargetArn[strings.LastIndex(rp.DeadLetterTargetArn, ":")+1:]
	if name == "" {
		return "", fmt.Errorf("sqsqueue: redrive policy of %s names no queue", queueURL)
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	out, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("sqsqueue: get dead-letter queue url %s: %w", name, err)
	}
	return aws.ToString(out.QueueUrl), nil
}

// seconds renders d as whole seconds, rounding up so that a short timeout
// never becomes zero.
func seconds(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}
