package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/google/uuid"

	"prana/pdf/internal/config"
	"prana/pdf/internal/domain"
	"prana/testkit/awstest"
	"prana/testkit/pdftest"
)

func isDone(j domain.Job) bool { return j.Status == domain.JobDone }

func TestWorkerStoresPDF(t *testing.T) {
	t.Parallel()
	w := startWorker(t)
	task := w.queuedTask(t, "Іван")
	w.publish(t, task)

	key := task.Profile.ObjectKey()
	body := w.waitObject(t, key)
	if _, ct, _ := w.object(t, key); ct != "application/pdf" {
		t.Errorf("content type %q, want application/pdf", ct)
	}
	if text := pdftest.Text(t, body); !strings.Contains(text, "Іван") || !strings.Contains(text, "Петренко") {
		t.Errorf("pdftotext lacks the name:\n%s", text)
	}
	j := w.waitJob(t, task.JobID, "done", isDone)
	if j.Error != "" || j.URL != w.stack.Store.PublicURL(key) {
		t.Errorf("job %+v", j)
	}
	awstest.Eventually(t, 5*time.Second, "the message deleted", func() bool {
		v, f := w.counts(t, "")
		return v == 0 && f == 0
	})
}

func TestWorkerIsIdempotent(t *testing.T) {
	t.Parallel()
	w := startWorker(t)
	task := w.queuedTask(t, "Іван")
	key := task.Profile.ObjectKey()

	w.publish(t, task)
	first := w.waitJob(t, task.JobID, "done", isDone)
	firstBody, _, ok := w.object(t, key)
	if !ok {
		t.Fatal("job done but no object")
	}

	// The same task again, as a redelivery or a duplicate send would bring,
	// once the clock has moved on by more than the printed resolution (1 s):
	// a render that used the clock instead of the request time would differ.
	time.Sleep(1100 * time.Millisecond)
	w.publish(t, task)
	w.waitJob(t, task.JobID, "done again", func(j domain.Job) bool {
		return isDone(j) && j.UpdatedAt.After(first.UpdatedAt)
	})
	second, _, _ := w.object(t, key)
	if !bytes.Equal(firstBody, second) {
		t.Errorf("the repeated task stored other bytes (%d then %d bytes)", len(firstBody), len(second))
	}
}

// TestWorkerSeedMessage sends what the seed's API put on the queue: the
// profile alone, no job id, no request time.
func TestWorkerSeedMessage(t *testing.T) {
	t.Parallel()
	w := startWorker(t)
	id := uuid.NewString()
	w.sendRaw(t, `{"id":"`+id+`","name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"1999-12-31"}`)

	body := w.waitObject(t, "profile_"+id+".pdf")
	if text := pdftest.Text(t, body); !strings.Contains(text, "Ann") || !strings.Contains(text, "Lee") {
		t.Errorf("pdftotext lacks the name:\n%s", text)
	}
	list, err := w.s3.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{
		Bucket: aws.String(w.cfg.BucketName), Prefix: aws.String("jobs/"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Contents) != 0 {
		t.Errorf("a seed message left %d job records", len(list.Contents))
	}
}

// TestWorkerPoisonMessage: a body that can never be processed goes to the
// dead-letter queue at once, its job is marked failed, and the messages
// behind it are processed.
func TestWorkerPoisonMessage(t *testing.T) {
	t.Parallel()
	w := startWorker(t)
	poisoned := w.queuedTask(t, "Іван")
	// Job records live under their user: the body names a user, and breaks
	// the rest of the profile.
	w.sendRaw(t, `{"job_id":"`+poisoned.JobID+`","id":"`+poisoned.Profile.UserID+`","date_of_birth":"not a date"}`)
	good := w.queuedTask(t, "Марія")
	w.publish(t, good)

	w.waitObject(t, good.Profile.ObjectKey())
	w.waitJob(t, good.JobID, "done", isDone)
	j := w.waitJob(t, poisoned.JobID, "failed", func(j domain.Job) bool { return j.Status == domain.JobFailed })
	if j.Error == "" {
		t.Error("failed job carries no reason")
	}
	awstest.Eventually(t, 5*time.Second, "the poison message dead-lettered", func() bool {
		dead, _ := w.counts(t, "-dlq")
		v, f := w.counts(t, "")
		return dead == 1 && v == 0 && f == 0
	})
	if _, _, ok := w.object(t, poisoned.Profile.ObjectKey()); ok {
		t.Error("an object was stored for the poison message")
	}
}

// TestWorkerDrainsOnShutdown stops the worker while an upload is held at
// the gate: run must wait for it, store the PDF, settle the job and delete
// the message, all within the drain timeout.
func TestWorkerDrainsOnShutdown(t *testing.T) {
	t.Parallel()
	g := newGate(t, 1500*time.Millisecond)
	w := startWorker(t, g.via)
	task := w.queuedTask(t, "Іван")
	w.publish(t, task)

	select {
	case <-g.started:
	case <-time.After(15 * time.Second):
		t.Fatal("the worker never started the upload")
	}
	took, err := w.stop() // as SIGTERM does: cancel run's context
	if err != nil {
		t.Fatalf("run after SIGTERM: %v", err)
	}
	if took > w.cfg.WorkerDrainTimeout {
		t.Errorf("run took %s to stop, past the %s drain timeout", took, w.cfg.WorkerDrainTimeout)
	}
	if took < 500*time.Millisecond {
		t.Errorf("run returned after %s: it did not wait for the upload in flight", took)
	}
	// No polling: all of it must be done by the time run returns.
	if _, _, ok := w.object(t, task.Profile.ObjectKey()); !ok {
		t.Error("the in-flight job's PDF was not stored")
	}
	if j := w.job(t, task.JobID); j.Status != domain.JobDone {
		t.Errorf("in-flight job left %q, want done", j.Status)
	}
	if v, f := w.counts(t, ""); v != 0 || f != 0 {
		t.Errorf("after the drain: %d waiting, %d in flight; want the message deleted", v, f)
	}
}

// TestWorkerExtendsVisibility holds an upload for longer than the 2 s
// visibility timeout while the test, playing a second worker replica, keeps
// asking the queue for work: without the extension the message would come
// back and be processed twice. (The emulator requeues an expired message
// only when someone receives, so the worker's own idle 20 s long poll would
// not notice a lapse by itself.)
func TestWorkerExtendsVisibility(t *testing.T) {
	t.Parallel()
	g := newGate(t, 3500*time.Millisecond)
	w := startWorker(t, g.via)
	task := w.queuedTask(t, "Іван")
	w.publish(t, task)

	select {
	case <-g.started:
	case <-time.After(15 * time.Second):
		t.Fatal("the worker never started the upload")
	}
	deadline := time.Now().Add(15 * time.Second)
	for w.job(t, task.JobID).Status != domain.JobDone {
		if time.Now().After(deadline) {
			t.Fatal("the held job never finished")
		}
		out, err := w.stack.SQS.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(w.queueURL), MaxNumberOfMessages: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) > 0 {
			t.Fatal("the message came back to the queue while the worker still held it")
		}
		time.Sleep(200 * time.Millisecond)
	}
	awstest.Eventually(t, 5*time.Second, "the message deleted", func() bool {
		v, f := w.counts(t, "")
		return v == 0 && f == 0
	})
	if _, puts := g.stats(task.Profile.ObjectKey()); puts != 1 {
		t.Errorf("the PDF was uploaded %d times, want once", puts)
	}
}

func TestWorkerConcurrency(t *testing.T) {
	t.Parallel()
	g := newGate(t, 300*time.Millisecond)
	w := startWorker(t, g.via, func(c *config.Config) { c.WorkerConcurrency = 2 })
	tasks := make([]domain.Task, 10)
	for i := range tasks {
		tasks[i] = w.queuedTask(t, "Іван")
		w.publish(t, tasks[i])
	}
	for _, task := range tasks {
		w.waitObject(t, task.Profile.ObjectKey())
		w.waitJob(t, task.JobID, "done", isDone)
	}
	peak, _ := g.stats("")
	if peak != 2 {
		t.Errorf("at most %d uploads ran at once, want exactly 2 (WORKER_CONCURRENCY)", peak)
	}
	awstest.Eventually(t, 5*time.Second, "the queue drained", func() bool {
		v, f := w.counts(t, "")
		return v == 0 && f == 0
	})
}
