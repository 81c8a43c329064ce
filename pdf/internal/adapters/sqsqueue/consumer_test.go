package sqsqueue

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"prana/pdf/internal/app/apptest"
	"prana/pdf/internal/domain"
	"prana/testkit/awstest"
)

// fast are consumer options for tests: short polls so that a stopped test
// does not wait out a 20 s long poll.
func fast(o ConsumerOptions) ConsumerOptions {
	if o.WaitTime == 0 {
		o.WaitTime = time.Second
	}
	return o
}

func TestPublishConsumeDelete(t *testing.T) {
	t.Parallel()
	q := newQueue(t, QueueOptions{})
	want := sampleTask()
	q.publish(t, want)

	got := make(chan domain.Task, 1)
	var lastAttempts []bool
	h := &apptest.TaskHandler{Process: func(_ context.Context, task domain.Task, lastAttempt bool) error {
		lastAttempts = append(lastAttempts, lastAttempt)
		got <- task
		return nil
	}}
	log, logs := testLogger(t)
	r := run(t, NewConsumer(q.client, q.url, log, fast(ConsumerOptions{})), h)

	select {
	case task := <-got:
		if task.JobID != want.JobID || task.Profile != want.Profile || !task.RequestedAt.Equal(want.RequestedAt) {
			t.Errorf("handler got %+v, want %+v", task, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("handler not called")
	}
	q.waitEmpty(t, q.url, 5*time.Second)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if len(lastAttempts) != 1 || lastAttempts[0] {
		t.Errorf("deliveries (last attempt?) = %v, want one first attempt", lastAttempts)
	}
	if !doneLine.MatchString(logs.String()) {
		t.Error("no done line names the message and its first attempt")
	}
	if strings.Contains(logs.String(), want.Profile.Email) {
		t.Error("the log holds the message's personal data")
	}
}

func TestSeedMessageWithoutJobID(t *testing.T) {
	t.Parallel()
	q := newQueue(t, QueueOptions{})
	sent := time.Now()
	q.sendRaw(t, `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"1999-12-31"}`)

	got := make(chan domain.Task, 1)
	h := &apptest.TaskHandler{Process: func(_ context.Context, task domain.Task, _ bool) error {
		got <- task
		return nil
	}}
	log, _ := testLogger(t)
	run(t, NewConsumer(q.client, q.url, log, fast(ConsumerOptions{})), h)

	select {
	case task := <-got:
		if task.JobID != "" || task.Profile.UserID != "1b4e28ba-2fa1-11d2-883f-0016d3cca427" || task.Profile.Surname != "Lee" {
			t.Errorf("handler got %+v", task)
		}
		// The send time stands in for the missing request time, so that a
		// redelivery renders the same document.
		if d := task.RequestedAt.Sub(sent); d < -5*time.Second || d > 5*time.Second {
			t.Errorf("RequestedAt %v, want the send time (about %v)", task.RequestedAt, sent)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("handler not called")
	}
	q.waitEmpty(t, q.url, 5*time.Second)
}

func TestMalformedGoesToDLQAtOnce(t *testing.T) {
	t.Parallel()
	q := newQueue(t, QueueOptions{}) // 60 s visibility: a retry would be far too slow
	const jobID = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	const secret = "malformed-secret@example.com"
	q.sendRaw(t, `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":"Ann","surname":"Lee","email":"`+secret+`","date_of_birth":"2001-02-30","job_id":"`+jobID+`"}`)
	q.sendRaw(t, `not json at all `+secret)
	good := sampleTask()
	q.publish(t, good)

	var handled atomic.Int32
	h := &apptest.TaskHandler{Process: func(_ context.Context, task domain.Task, _ bool) error {
		if task.JobID == good.JobID {
			handled.Add(1)
		}
		return nil
	}}
	log, logs := testLogger(t)
	run(t, NewConsumer(q.client, q.url, log, fast(ConsumerOptions{})), h)

	awstest.Eventually(t, 10*time.Second, "two dead letters", func() bool {
		v, _ := q.counts(t, q.dlqURL)
		return v == 2
	})
	q.waitEmpty(t, q.url, 5*time.Second)
	if handled.Load() != 1 {
		t.Errorf("good task handled %d times, want 1", handled.Load())
	}
	awstest.Eventually(t, 5*time.Second, "two FailMalformed calls", func() bool { return len(h.Malformed()) == 2 })
	var ids []string
	for _, m := range h.Malformed() {
		ids = append(ids, m.JobID)
		if !errors.Is(m.Reason, ErrMalformed) {
			t.Errorf("reason %v is not ErrMalformed", m.Reason)
		}
	}
	if s := strings.Join(ids, ","); s != jobID+"," && s != ","+jobID {
		t.Errorf("FailMalformed job ids = %q, want %q and \"\"", s, jobID)
	}

	// The dead letters say why they are there.
	out, err := q.client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(q.dlqURL), MaxNumberOfMessages: 10, MessageAttributeNames: []string{"All"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range out.Messages {
		if r := aws.ToString(m.MessageAttributes[AttrMalformedReason].StringValue); !strings.Contains(r, "malformed") {
			t.Errorf("dead letter reason attribute = %q", r)
		}
	}
	if strings.Contains(logs.String(), secret) {
		t.Error("the log holds the message's personal data")
	}
}

func TestAlwaysFailingTaskIsDeadLettered(t *testing.T) {
	t.Parallel()
	// Three receives rather than the default five keep the test short.
	const maxReceive = 3
	q := newQueue(t, QueueOptions{MaxReceiveCount: maxReceive, VisibilityTimeout: time.Second})
	q.publish(t, sampleTask())

	var mu sync.Mutex
	var seen []bool // lastAttempt of each delivery, in order
	h := &apptest.TaskHandler{Process: func(_ context.Context, _ domain.Task, lastAttempt bool) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, lastAttempt)
		return errors.New("renderer broke")
	}}
	log, logs := testLogger(t)
	run(t, NewConsumer(q.client, q.url, log, fast(ConsumerOptions{
		VisibilityTimeout: time.Second, MaxReceiveCount: maxReceive,
	})), h)

	awstest.Eventually(t, 20*time.Second, "the message in the DLQ", func() bool {
		v, _ := q.counts(t, q.dlqURL)
		return v == 1
	})
	q.waitEmpty(t, q.url, 5*time.Second)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != maxReceive {
		t.Fatalf("handler saw %d deliveries, want %d: %+v", len(seen), maxReceive, seen)
	}
	for i, last := range seen {
		if last != (i+1 == maxReceive) {
			t.Errorf("delivery %d: last attempt %v", i+1, last)
		}
		if a := fmt.Sprintf("attempt=%d ", i+1); !strings.Contains(logs.String(), a) {
			t.Errorf("no log line says %q", a)
		}
	}
}

func TestRedeliveryAfterFailure(t *testing.T) {
	t.Parallel()
	// The default 60 s visibility: only RetryDelay can bring it back in time.
	q := newQueue(t, QueueOptions{})
	q.publish(t, sampleTask())

	var attempts []int // counted by the handler: the consumer does not pass it
	done := make(chan struct{})
	h := &apptest.TaskHandler{Process: func(context.Context, domain.Task, bool) error {
		attempts = append(attempts, len(attempts)+1)
		if len(attempts) == 1 {
			return errors.New("transient")
		}
		close(done)
		return nil
	}}
	log, logs := testLogger(t)
	r := run(t, NewConsumer(q.client, q.url, log, fast(ConsumerOptions{RetryDelay: time.Second})), h)

	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("no redelivery")
	}
	q.waitEmpty(t, q.url, 5*time.Second)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if len(attempts) != 2 || attempts[0] != 1 || attempts[1] != 2 {
		t.Errorf("attempts = %v, want [1 2]", attempts)
	}
	if !strings.Contains(logs.String(), "attempt=2 ") {
		t.Error("the redelivery was not counted as the second attempt")
	}
}

// doneLine is a task's done log line, naming its message, at its first
// attempt.
var doneLine = regexp.MustCompile(`msg="task done".* message_id=[^" ]\S* attempt=1 `)
