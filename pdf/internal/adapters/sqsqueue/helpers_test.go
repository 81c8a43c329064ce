package sqsqueue

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/uuid"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
	"prana/testkit/awstest"
)

// testQueue is a queue and DLQ of the test's own on the shared emulator.
type testQueue struct {
	client *sqs.Client
	url    string
	dlqURL string
}

func newQueue(t *testing.T, opts QueueOptions) testQueue {
	t.Helper()
	client := awstest.SQS(t, awstest.Start(t))
	name := "tasks-" + uuid.NewString()[:13]
	url, err := EnsureQueues(context.Background(), client, name, opts)
	if err != nil {
		t.Fatal(err)
	}
	dlq, err := client.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String(name + DLQSuffix)})
	if err != nil {
		t.Fatal(err)
	}
	return testQueue{client: client, url: url, dlqURL: aws.ToString(dlq.QueueUrl)}
}

// counts returns the messages waiting and in flight on the queue at url.
func (q testQueue) counts(t *testing.T, url string) (visible, inFlight int) {
	t.Helper()
	out, err := q.client.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{
			types.QueueAttributeNameApproximateNumberOfMessages,
			types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	visible, _ = strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)])
	inFlight, _ = strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	return visible, inFlight
}

// waitEmpty waits until the queue at url holds nothing, in flight or not.
func (q testQueue) waitEmpty(t *testing.T, url string, timeout time.Duration) {
	t.Helper()
	awstest.Eventually(t, timeout, "an empty queue", func() bool {
		v, f := q.counts(t, url)
		return v == 0 && f == 0
	})
}

func (q testQueue) sendRaw(t *testing.T, body string) {
	t.Helper()
	if _, err := q.client.SendMessage(context.Background(), &sqs.SendMessageInput{
		QueueUrl: aws.String(q.url), MessageBody: aws.String(body),
	}); err != nil {
		t.Fatal(err)
	}
}

func (q testQueue) publish(t *testing.T, task domain.Task) {
	t.Helper()
	if err := NewPublisher(q.client, q.url, PublisherOptions{}).Publish(context.Background(), task); err != nil {
		t.Fatal(err)
	}
}

// running is a Consumer started by run.
type running struct {
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
}

// wait waits for Run to return and gives its error.
func (r *running) wait() error {
	r.once.Do(func() { r.err = <-r.done })
	return r.err
}

// stop cancels Run and waits for it.
func (r *running) stop() error {
	r.cancel()
	return r.wait()
}

// run starts c; the test stops it at the end regardless.
func run(t *testing.T, c *Consumer, h app.TaskHandler) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- c.Run(ctx, h) }()
	t.Cleanup(func() { _ = r.stop() })
	return r
}

func sampleTask() domain.Task {
	return domain.Task{
		JobID: uuid.NewString(),
		Profile: domain.Profile{
			UserID:      uuid.NewString(),
			Name:        "Іван",
			Surname:     "Петренко",
			Email:       "ivan@example.com",
			DateOfBirth: time.Date(1990, 4, 1, 0, 0, 0, 0, time.UTC),
		},
		RequestedAt: time.Date(2026, 11, 28, 12, 30, 15, 123456789, time.UTC),
	}
}

// logBuffer collects log output so tests can check what was logged, and
// copies it to the test's output.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	out io.Writer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	return b.out.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func testLogger(t *testing.T) (*slog.Logger, *logBuffer) {
	b := &logBuffer{out: t.Output()}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}
