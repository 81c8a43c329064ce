package main

// The worker tests run the real wiring, run(), against the in-process S3+SQS
// emulator, each on a queue and a bucket of its own. The test looks at the
// queue and the bucket through its own awsstack.Stack, straight to the
// emulator. Where a test needs to watch or slow the worker's uploads, the
// worker talks to the emulator through gate, a reverse proxy.

import (
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/caarlos0/env/v11"
	"github.com/google/uuid"

	"prana/pdf/cmd/internal/awsstack"
	"prana/pdf/internal/adapters/sqsqueue"
	"prana/pdf/internal/config"
	"prana/pdf/internal/domain"
	"prana/shared/logging"
	"prana/testkit/awstest"
)

// worker is one running pdf-worker and the test's view of its queue and
// bucket.
type worker struct {
	cfg   config.Config
	stack *awsstack.Stack // the test's own clients, straight to the emulator
	// queueURL is the task queue's, as the test's stack found it.
	queueURL string
	s3       *s3.Client
	stop     func() (time.Duration, error) // cancels run: how long it took to return, and its error
	// exited reports whether run has returned (without being stopped, a
	// worker never should).
	exited func() bool
}

// startWorker runs the worker with a short visibility timeout on a fresh
// queue and bucket; edit adjusts its config (e.g. to go through a gate).
func startWorker(t testing.TB, edit ...func(*config.Config)) *worker {
	t.Helper()
	endpoint := awstest.Start(t)
	var cfg config.Config
	if err := env.ParseWithOptions(&cfg, env.Options{Environment: map[string]string{}}); err != nil {
		t.Fatal(err)
	}
	cfg.LogLevel = "debug"
	cfg.AWSEndpointURL, cfg.AWSAccessKeyID, cfg.AWSSecretAccessKey, cfg.AWSRegion = endpoint, "test", "test", "us-east-1"
	cfg.QueueName = "pdf-tasks-" + uuid.NewString()
	cfg.BucketName = "user-pdfs-" + uuid.NewString()[:18]
	cfg.VisibilityTimeout, cfg.WorkerDrainTimeout = 2*time.Second, 5*time.Second
	cfg.WorkerConcurrency = 2
	// The emulator requeues a message whose visibility ran out only on a
	// new receive: short polls let a redelivery happen in test time.
	cfg.SQSWaitTime = time.Second

	// The test's view is set up first, so tasks can be sent before the
	// worker is up; both ends create the same queues and bucket.
	openCtx, cancelOpen := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelOpen()
	stack, err := awsstack.Open(openCtx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	queueURL, _ := stack.QueueURL()
	w := &worker{stack: stack, queueURL: queueURL, s3: awstest.S3(t, endpoint)}
	for _, e := range edit {
		e(&cfg)
	}
	w.cfg = cfg

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		done <- run(ctx, cfg, logging.New(suite.Tee("pdf-worker ("+t.Name()+")", t.Output()), cfg.LogLevel, "pdf-worker"), nil)
	}()
	w.exited = func() bool {
		select {
		case <-finished:
			return true
		default:
			return false
		}
	}
	var once sync.Once
	var runErr error
	var took time.Duration
	w.stop = func() (time.Duration, error) {
		once.Do(func() {
			start := time.Now()
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(cfg.WorkerDrainTimeout + 15*time.Second):
				runErr = errors.New("run did not return after cancellation")
			}
			took = time.Since(start)
		})
		return took, runErr
	}
	t.Cleanup(func() {
		if _, err := w.stop(); err != nil {
			t.Errorf("run: %v", err)
		}
	})
	return w
}

// queuedTask is an upload task for a new user whose job the API has
// recorded as queued.
func (w *worker) queuedTask(t testing.TB, name string) domain.Task {
	t.Helper()
	task := w.queuedTaskFor(name)
	w.record(t, task)
	return task
}

// record saves task's job as queued, as the API does before sending it.
func (w *worker) record(t testing.TB, task domain.Task) {
	t.Helper()
	if err := w.saveQueued(task); err != nil {
		t.Fatal(err)
	}
}

func (w *worker) saveQueued(task domain.Task) error {
	job := domain.Job{
		ID: task.JobID, UserID: task.Profile.UserID, Status: domain.JobQueued,
		URL: w.stack.Store.PublicURL(task.Profile.ObjectKey()), UpdatedAt: task.RequestedAt,
	}
	return w.stack.Store.SaveJob(context.Background(), job)
}

// queuedTaskFor is an upload task for a new user, not yet recorded.
func (w *worker) queuedTaskFor(name string) domain.Task {
	p := domain.Profile{
		UserID: uuid.NewString(), Name: name, Surname: "Петренко", Email: "ivan@example.com",
		DateOfBirth: time.Date(1990, 2, 28, 0, 0, 0, 0, time.UTC),
	}
	return domain.Task{JobID: uuid.Must(uuid.NewV7()).String(), Profile: p, RequestedAt: time.Now().UTC().Add(-time.Second)}
}

func (w *worker) publish(t testing.TB, task domain.Task) {
	t.Helper()
	if err := w.send(task); err != nil {
		t.Fatal(err)
	}
}

func (w *worker) send(task domain.Task) error {
	return sqsqueue.NewPublisher(w.stack.SQS, w.queueURL, sqsqueue.PublisherOptions{}).Publish(context.Background(), task)
}

func (w *worker) sendRaw(t testing.TB, body string) {
	t.Helper()
	if _, err := w.stack.SQS.SendMessage(context.Background(), &sqs.SendMessageInput{
		QueueUrl: aws.String(w.queueURL), MessageBody: aws.String(body),
	}); err != nil {
		t.Fatal(err)
	}
}

// object reads a stored object; ok is false while it does not exist.
func (w *worker) object(t testing.TB, key string) (body []byte, contentType string, ok bool) {
	t.Helper()
	out, err := w.s3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(w.cfg.BucketName), Key: aws.String(key)})
	if isNoSuchKey(err) {
		return nil, "", false
	}
	if err != nil {
		// Any other failure (a missing bucket, an emulator that stopped
		// answering) says nothing about whether the worker stored the key,
		// so a "nothing stored" check must not pass on it.
		t.Fatalf("GetObject(%s): %v", key, err)
	}
	defer out.Body.Close()
	body, err = io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return body, aws.ToString(out.ContentType), true
}

// isNoSuchKey reports whether err is S3's answer for a bucket that exists
// without the key. NoSuchBucket is a 404 too, so the status alone does not
// tell.
func isNoSuchKey(err error) bool {
	var noKey *s3types.NoSuchKey
	var apiErr smithy.APIError
	return errors.As(err, &noKey) || errors.As(err, &apiErr) && apiErr.ErrorCode() == "NoSuchKey"
}

// waitObject waits for key to be stored and returns it.
func (w *worker) waitObject(t testing.TB, key string) []byte {
	t.Helper()
	var body []byte
	awstest.Eventually(t, 15*time.Second, key+" stored", func() bool {
		var ok bool
		body, _, ok = w.object(t, key)
		return ok
	})
	return body
}

// job reads a job record.
func (w *worker) job(t testing.TB, id string) domain.Job {
	t.Helper()
	j, err := w.stack.Store.Job(context.Background(), w.jobOwner(t, id), id)
	if err != nil {
		t.Fatalf("job %s: %v", id, err)
	}
	return j
}

// jobOwner is the user whose records hold job id (records live under
// jobs/<user id>/), or "" while there is none.
func (w *worker) jobOwner(t testing.TB, id string) string {
	t.Helper()
	out, err := w.s3.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(w.cfg.BucketName), Prefix: aws.String("jobs/")})
	if err != nil {
		t.Fatalf("list jobs: %v", err)
	}
	for _, o := range out.Contents {
		if k := aws.ToString(o.Key); strings.HasSuffix(k, "/"+strings.ToLower(id)+".json") {
			return strings.Split(k, "/")[1]
		}
	}
	return ""
}

// waitJob waits until cond holds for the job's record.
func (w *worker) waitJob(t testing.TB, id, what string, cond func(domain.Job) bool) domain.Job {
	t.Helper()
	var j domain.Job
	awstest.Eventually(t, 15*time.Second, "job "+what, func() bool {
		j = w.job(t, id)
		return cond(j)
	})
	return j
}

// counts returns the messages waiting and in flight on the queue (suffix
// "" or "-dlq").
func (w *worker) counts(t testing.TB, suffix string) (visible, inFlight int) {
	t.Helper()
	ctx := context.Background()
	u, err := w.stack.SQS.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(w.cfg.QueueName + suffix)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := w.stack.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: u.QueueUrl,
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

// receiveNothing polls the queue once, as a second worker would, and fails
// if it gets a message: the emulator moves a message past its receive
// count to the dead-letter queue only when someone asks for messages.
func (w *worker) receiveNothing(t testing.TB) {
	t.Helper()
	out, err := w.stack.SQS.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(w.queueURL), MaxNumberOfMessages: 1, VisibilityTimeout: 0,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) > 0 {
		t.Fatalf("received a message the worker should hold or have settled")
	}
}

// gate is a reverse proxy to the emulator that holds every upload of a
// profile PDF for delay before passing it on, and counts them.
type gate struct {
	url     string
	delay   time.Duration
	started chan string // the key of each upload as it arrives

	mu      sync.Mutex
	running int
	peak    int
	puts    map[string]int
}

// newGate starts a gate in front of the emulator; route the worker through
// it with its via method as a config edit.
func newGate(t testing.TB, delay time.Duration) *gate {
	t.Helper()
	target, err := url.Parse(awstest.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{delay: delay, started: make(chan string, 100), puts: map[string]int{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	// A long poll cancelled at shutdown is "context canceled": expected.
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		key := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		if r.Method == http.MethodPut && strings.HasPrefix(key, "profile_") {
			g.enter(key)
			defer g.leave()
			select {
			case <-time.After(g.delay):
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	g.url = srv.URL
	return g
}

// via routes a worker's AWS calls through the gate.
func (g *gate) via(c *config.Config) { c.AWSEndpointURL = g.url }

func (g *gate) enter(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running++
	g.peak = max(g.peak, g.running)
	g.puts[key]++
	select {
	case g.started <- key:
	default:
	}
}

func (g *gate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running--
}

// stats are the most uploads seen at once and the uploads of key.
func (g *gate) stats(key string) (peak, puts int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak, g.puts[key]
}
