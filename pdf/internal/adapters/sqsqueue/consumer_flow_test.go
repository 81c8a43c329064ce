package sqsqueue

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"prana/pdf/internal/app/apptest"
	"prana/pdf/internal/domain"
	"prana/testkit/awstest"
)

func TestConcurrencyBound(t *testing.T) {
	t.Parallel()
	const limit, total = 3, 10
	q := newQueue(t, QueueOptions{})
	for range total {
		q.publish(t, sampleTask())
	}

	var running, peak, done, overHeld atomic.Int32
	h := &apptest.TaskHandler{Process: func(context.Context, domain.Task, bool) error {
		n := running.Add(1)
		defer running.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		// The consumer must not hold more messages than it has slots.
		if _, inFlight := q.counts(t, q.url); inFlight > limit {
			overHeld.Add(1)
		}
		time.Sleep(300 * time.Millisecond)
		done.Add(1)
		return nil
	}}
	log, _ := testLogger(t)
	run(t, NewConsumer(q.client, q.url, log, fast(ConsumerOptions{Concurrency: limit})), h)

	awstest.Eventually(t, 20*time.Second, "all tasks handled", func() bool { return done.Load() == total })
	q.waitEmpty(t, q.url, 5*time.Second)
	if p := peak.Load(); p > limit || p < 2 {
		t.Errorf("peak concurrency = %d, want 2..%d", p, limit)
	}
	if n := overHeld.Load(); n > 0 {
		t.Errorf("%d times more than %d messages were in flight", n, limit)
	}
}

func TestVisibilityExtendedWhileHandling(t *testing.T) {
	t.Parallel()
	q := newQueue(t, QueueOptions{VisibilityTimeout: 2 * time.Second})
	q.publish(t, sampleTask())

	var calls atomic.Int32
	h := &apptest.TaskHandler{Process: func(context.Context, domain.Task, bool) error {
		calls.Add(1)
		time.Sleep(5 * time.Second) // well past the 2 s visibility timeout
		return nil
	}}
	log, _ := testLogger(t)
	// Spare slots keep the consumer polling, so a lapse would be seen.
	run(t, NewConsumer(q.client, q.url, log, fast(ConsumerOptions{
		VisibilityTimeout: 2 * time.Second, Concurrency: 2,
	})), h)

	awstest.Eventually(t, 15*time.Second, "the task handled and deleted", func() bool {
		v, f := q.counts(t, q.url)
		return calls.Load() > 0 && v == 0 && f == 0
	})
	if n := calls.Load(); n != 1 {
		t.Errorf("handled %d times, want exactly once", n)
	}
}

func TestGracefulDrain(t *testing.T) {
	t.Parallel()
	q := newQueue(t, QueueOptions{})
	for range 3 {
		q.publish(t, sampleTask())
	}

	var started, finished, cancelled atomic.Int32
	h := &apptest.TaskHandler{Process: func(ctx context.Context, _ domain.Task, _ bool) error {
		started.Add(1)
		time.Sleep(1500 * time.Millisecond)
		if ctx.Err() != nil {
			cancelled.Add(1)
		}
		finished.Add(1)
		return nil
	}}
	log, _ := testLogger(t)
	r := run(t, NewConsumer(q.client, q.url, log, fast(ConsumerOptions{Concurrency: 4})), h)

	awstest.Eventually(t, 10*time.Second, "three handlers running", func() bool { return started.Load() == 3 })
	begin := time.Now()
	r.cancel()
	// A message sent after the stop: the long poll still open may take it,
	// and must then finish it; no new poll may start.
	time.Sleep(200 * time.Millisecond)
	q.publish(t, sampleTask())
	if err := r.wait(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	took := time.Since(begin)
	if n := finished.Load(); n != started.Load() || n < 3 {
		t.Errorf("Run returned with %d of %d started handlers finished, want all and at least 3", n, started.Load())
	}
	// The long poll (1 s) ends on its own, then the handlers (1.5 s).
	if took > 5*time.Second {
		t.Errorf("Run took %s to stop", took)
	}
	if n := cancelled.Load(); n > 0 {
		t.Errorf("%d handlers saw their context cancelled by the shutdown", n)
	}
	visible, inFlight := q.counts(t, q.url)
	if inFlight != 0 || visible+int(started.Load()) != 4 {
		t.Errorf("after drain: %d waiting, %d in flight, %d handled; want none in flight and every message either handled or waiting",
			visible, inFlight, started.Load())
	}
}

func TestDrainTimeout(t *testing.T) {
	t.Parallel()
	q := newQueue(t, QueueOptions{})
	q.publish(t, sampleTask())

	started := make(chan struct{})
	var sawCancel atomic.Bool
	h := &apptest.TaskHandler{Process: func(ctx context.Context, _ domain.Task, _ bool) error {
		close(started)
		select {
		case <-ctx.Done():
			sawCancel.Store(true)
			return ctx.Err()
		case <-time.After(10 * time.Second):
			return nil
		}
	}}
	log, _ := testLogger(t)
	r := run(t, NewConsumer(q.client, q.url, log, fast(ConsumerOptions{DrainTimeout: 300 * time.Millisecond})), h)

	<-started
	begin := time.Now()
	if err := r.stop(); err == nil {
		t.Error("Run after a drain timeout: nil error")
	}
	if took := time.Since(begin); took > 2*time.Second {
		t.Errorf("Run took %s to give up", took)
	}
	if !sawCancel.Load() {
		t.Error("the handler's context was not cancelled at the drain timeout")
	}
	// Handed back, not left invisible until its visibility timeout ends:
	// the next receive gets it at once. (The emulator counts a released
	// message as in flight until a receive looks at the queue.)
	out, err := q.client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q.url), WaitTimeSeconds: 0})
	if err != nil || len(out.Messages) != 1 {
		t.Errorf("a receive after the drain timeout got %d messages (%v), want the unfinished one back", len(out.Messages), err)
	}
}

func TestReceiveErrorsBackOff(t *testing.T) {
	t.Parallel()
	endpoint := awstest.ClosedEndpoint(t)
	client := awstest.SQS(t, endpoint, awstest.NoRetries)
	log, logs := testLogger(t)
	c := NewConsumer(client, endpoint+"/000000000000/tasks", log, fast(ConsumerOptions{
		MinBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond,
	}))
	h := &apptest.TaskHandler{Process: func(context.Context, domain.Task, bool) error { return nil }}

	r := run(t, c, h)
	time.Sleep(1500 * time.Millisecond) // Run must still be going
	begin := time.Now()
	if err := r.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if took := time.Since(begin); took > time.Second {
		t.Errorf("Run took %s to stop while backing off", took)
	}
	// Pauses of 100, 200, 400, 400… ms, each jittered down to no less than
	// half (50, 100, 200, 200… ms): at most nine rounds start in 1.5 s, and
	// one more may be under way when the stop comes; each is a try by both
	// receivers. Without the backoff it would be hundreds.
	if n := strings.Count(logs.String(), "sqs receive failed"); n < 2 || n > 20 {
		t.Errorf("%d failed receives logged in 1.5 s, want 2..20", n)
	}
}

// TestDeletesAreBatched: handled messages are deleted with
// DeleteMessageBatch, several to a call when many finish together.
func TestDeletesAreBatched(t *testing.T) {
	t.Parallel()
	const total = 40
	q := newQueue(t, QueueOptions{})
	for range total {
		q.publish(t, sampleTask())
	}
	sw := awstest.NewSwitch(t)
	client := awstest.SQS(t, sw.URL)
	var done atomic.Int32
	h := &apptest.TaskHandler{Process: func(context.Context, domain.Task, bool) error {
		done.Add(1)
		return nil
	}}
	log, _ := testLogger(t)
	run(t, NewConsumer(client, q.url, log, fast(ConsumerOptions{Concurrency: 20})), h)

	awstest.Eventually(t, 20*time.Second, "all tasks handled", func() bool { return done.Load() == total })
	q.waitEmpty(t, q.url, 5*time.Second)
	batches := sw.Count("DeleteMessageBatch")
	if single := sw.Count("DeleteMessage"); single != 0 {
		t.Errorf("%d single DeleteMessage calls, want batches only", single)
	}
	if batches >= total {
		t.Errorf("%d DeleteMessageBatch calls for %d messages: nothing was batched", batches, total)
	}
	t.Logf("%d messages deleted in %d batches", total, batches)
}
