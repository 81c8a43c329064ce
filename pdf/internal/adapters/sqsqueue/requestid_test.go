package sqsqueue

import (
	"context"
	"strings"
	"testing"
	"time"

	"prana/pdf/internal/app/apptest"
	"prana/pdf/internal/domain"
	"prana/shared/requestid"
)

// TestRequestIDTravelsWithTheTask: the request id in the publisher's
// context reaches the handler's context and the consumer's
// log lines for the task; a message without one (the seed's) gets none.
func TestRequestIDTravelsWithTheTask(t *testing.T) {
	t.Parallel()
	q := newQueue(t, QueueOptions{})
	const reqID = "req-7f3a9c"
	withID, seed := sampleTask(), sampleTask()
	ctx := requestid.NewContext(context.Background(), reqID)
	if err := NewPublisher(q.client, q.url, PublisherOptions{}).Publish(ctx, withID); err != nil {
		t.Fatal(err)
	}
	q.publish(t, seed) // no request id in its context

	type seen struct{ ctx string }
	got := make(chan map[string]seen, 2)
	h := &apptest.TaskHandler{Process: func(ctx context.Context, task domain.Task, _ bool) error {
		got <- map[string]seen{task.JobID: {requestid.FromContext(ctx)}}
		return nil
	}}
	log, logs := testLogger(t)
	r := run(t, NewConsumer(q.client, q.url, log, fast(ConsumerOptions{})), h)
	all := map[string]seen{}
	for range 2 {
		select {
		case m := <-got:
			for k, v := range m {
				all[k] = v
			}
		case <-time.After(10 * time.Second):
			t.Fatal("handler not called twice")
		}
	}
	q.waitEmpty(t, q.url, 5*time.Second)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if s := all[withID.JobID]; s.ctx != reqID {
		t.Errorf("task sent with request id %q: context %q", reqID, s.ctx)
	}
	if s := all[seed.JobID]; s.ctx != "" {
		t.Errorf("task sent without a request id: context %q", s.ctx)
	}
	for l := range strings.Lines(logs.String()) {
		if !strings.Contains(l, "task done") {
			continue
		}
		switch {
		case strings.Contains(l, withID.JobID) && !strings.Contains(l, "request_id="+reqID):
			t.Errorf("the done line of the task lacks its request id: %s", l)
		case strings.Contains(l, seed.JobID) && strings.Contains(l, "request_id"):
			t.Errorf("the done line of a task without a request id names one: %s", l)
		}
	}
	if !strings.Contains(logs.String(), "request_id="+reqID) {
		t.Error("no log line carries the request id")
	}
}
