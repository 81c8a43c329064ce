package main

import (
	"testing"
	"time"

	"prana/pdf/internal/config"
	"prana/pdf/internal/domain"
	"prana/testkit/awstest"
)

// TestWorkerRidesOutAnOutage takes the S3/SQS endpoint away while the
// worker has jobs in hand and more are queued: it must back off (a handful
// of connection attempts, not a hot loop), and once the endpoint returns
// store every job, each exactly as queued: no message lost.
func TestWorkerRidesOutAnOutage(t *testing.T) {
	t.Parallel()
	sw := awstest.NewSwitch(t)
	w := startWorker(t, func(c *config.Config) { c.AWSEndpointURL = sw.URL })
	tasks := make([]domain.Task, 12)
	for i := range tasks {
		tasks[i] = w.queuedTask(t, "Іван")
	}
	for _, task := range tasks[:6] {
		w.publish(t, task)
	}
	w.waitObject(t, tasks[0].Profile.ObjectKey())

	sw.Down(t)
	// Queued during the outage, by an API that can still reach SQS.
	for _, task := range tasks[6:] {
		w.publish(t, task)
	}
	const outage = 3 * time.Second
	time.Sleep(outage)
	attempts := sw.Attempts()
	sw.Up(t)
	t.Logf("%d connection attempts during a %s outage", attempts, outage)
	// With backoff from 1 s: about three rounds of two receivers, each
	// call retried by the SDK, plus the calls of the jobs in hand. A
	// loop without backoff makes thousands.
	if attempts > 60 {
		t.Errorf("%d connection attempts in %s: the worker does not back off", attempts, outage)
	}

	for _, task := range tasks {
		w.waitObject(t, task.Profile.ObjectKey())
		w.waitJob(t, task.JobID, "done", isDone)
	}
	awstest.Eventually(t, 15*time.Second, "the queue drained", func() bool {
		v, f := w.counts(t, "")
		return v == 0 && f == 0
	})
	if d, _ := w.counts(t, "-dlq"); d != 0 {
		t.Errorf("%d jobs dead-lettered by a short outage", d)
	}
}

// TestWorkerDeadLettersAJobThatKeepsFailing: S3 refuses every upload of
// one job's PDF. After the last attempt the message is in the dead-letter
// queue, the job says failed, and nothing was stored.
func TestWorkerDeadLettersAJobThatKeepsFailing(t *testing.T) {
	t.Parallel()
	sw := awstest.NewSwitch(t)
	sw.Refuse(awstest.IsPDFUpload)
	w := startWorker(t, func(c *config.Config) {
		c.AWSEndpointURL = sw.URL
		c.MaxReceiveCount = 2
	})
	task := w.queuedTask(t, "Іван")
	w.publish(t, task)

	j := w.waitJob(t, task.JobID, "failed", func(j domain.Job) bool { return j.Status == domain.JobFailed })
	if j.Error == "" {
		t.Error("the failed job gives no reason")
	}
	// The queue moves the message to the dead-letter queue when it would
	// deliver it a third time; the test's receive stands in for that.
	awstest.Eventually(t, 20*time.Second, "the message dead-lettered", func() bool {
		w.receiveNothing(t)
		d, _ := w.counts(t, "-dlq")
		v, f := w.counts(t, "")
		return d == 1 && v == 0 && f == 0
	})
	if _, _, ok := w.object(t, task.Profile.ObjectKey()); ok {
		t.Error("a PDF was stored although every upload was refused")
	}
	if n := sw.Count("PUT"); n < 2 {
		t.Errorf("%d PUTs reached S3, want at least one per attempt", n)
	}
}

// TestWorkerStartsDuringAnOutage starts the worker while S3 and SQS cannot
// be reached. It must neither exit nor hammer the endpoint: it waits with
// backoff, and once AWS answers it takes the jobs queued meanwhile (by an
// API that could reach SQS) and stores each one.
func TestWorkerStartsDuringAnOutage(t *testing.T) {
	t.Parallel()
	sw := awstest.NewSwitch(t)
	sw.Down(t)
	w := startWorker(t, func(c *config.Config) { c.AWSEndpointURL = sw.URL })
	tasks := make([]domain.Task, 4)
	for i := range tasks {
		tasks[i] = w.queuedTask(t, "Іван")
		w.publish(t, tasks[i])
	}
	const outage = 3 * time.Second
	time.Sleep(outage)
	if w.exited() {
		t.Fatal("the worker exited during the outage")
	}
	attempts := sw.Attempts()
	t.Logf("%d connection attempts during a %s outage at start", attempts, outage)
	if attempts > 40 {
		t.Errorf("%d connection attempts in %s: the worker does not back off", attempts, outage)
	}
	sw.Up(t)
	for _, task := range tasks {
		w.waitObject(t, task.Profile.ObjectKey())
		w.waitJob(t, task.JobID, "done", isDone)
	}
}

// TestWorkerStopsWhileWaitingForAWS: a worker still waiting for S3/SQS
// stops at once, cleanly, when told to.
func TestWorkerStopsWhileWaitingForAWS(t *testing.T) {
	t.Parallel()
	sw := awstest.NewSwitch(t)
	sw.Down(t)
	w := startWorker(t, func(c *config.Config) { c.AWSEndpointURL = sw.URL })
	time.Sleep(500 * time.Millisecond)
	took, err := w.stop()
	if err != nil {
		t.Errorf("run: %v", err)
	}
	if took > 2*time.Second {
		t.Errorf("stopping a worker waiting for AWS took %s", took)
	}
}
