// Package awsstack assembles the pdf service's AWS adapters from its
// configuration: clients, the queue and its dead-letter queue, the bucket.
// The API and the worker both start with it, so they agree on the setup.
//
// S3 and SQS need not answer when a process starts: Start returns at once
// and sets each of them up (creates or looks up the bucket, the queues) in
// the background, retrying with backoff until AWS answers. Until then the
// adapters it hands out refuse calls at once with ErrNotConnected, which
// the app reports as unavailable (503 with Retry-After), and the pings name
// what is missing. The bucket and the queue are set up independently, so
// job status works as soon as S3 does, whatever SQS does.
package awsstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"prana/pdf/internal/adapters/s3store"
	"prana/pdf/internal/adapters/sqsqueue"
	"prana/pdf/internal/config"
	"prana/shared/awsconfig"
	"prana/shared/health"
)

// ErrNotConnected is the error of every call made before the bucket or the
// queue it needs was set up.
var ErrNotConnected = errors.New("awsstack: not connected yet")

// Stack is the AWS side of the pdf service.
type Stack struct {
	SQS *sqs.Client
	// Store is the bucket, ungated: its calls go to S3 whether or not the
	// bucket was set up. The service uses Objects; tests may use Store.
	Store *s3store.Store

	queue  *step[string] // the queue's URL
	bucket *step[struct{}]
}

// Start builds the clients and starts setting up the queues and the bucket
// in the background: it creates them when absent unless cfg.AWSAutoCreate
// is off, in which case it only looks them up. Each is retried with backoff
// until it succeeds or ctx ends. Only a configuration the SDK cannot load
// is an error.
func Start(ctx context.Context, cfg config.Config, log *slog.Logger) (*Stack, error) {
	awsCfg, err := awsconfig.Load(ctx, cfg.AWS(), withSDKLogger(log))
	if err != nil {
		return nil, err
	}
	storeCfg := s3store.Config{Bucket: cfg.BucketName, PublicBaseURL: cfg.PublicURL, PresignTTL: cfg.PresignTTL}
	st := &Stack{
		SQS:    awsconfig.NewSQS(awsCfg, cfg.AWS()),
		Store:  s3store.New(awsconfig.NewS3(awsCfg, cfg.AWS()), storeCfg),
		queue:  newStep[string]("sqs"),
		bucket: newStep[struct{}]("s3"),
	}
	// The set-up calls make one attempt each: the steps' backoff spaces
	// them, rather than the SDK's retries (which would make a single
	// attempt last seconds against a refused connection).
	setupSQS := awsconfig.NewSQS(awsCfg, cfg.AWS(), func(o *sqs.Options) { o.RetryMaxAttempts = 1 })
	setupS3 := s3store.New(awsconfig.NewS3(awsCfg, cfg.AWS(), func(o *s3.Options) { o.RetryMaxAttempts = 1 }), storeCfg)
	log = log.With("endpoint", cfg.AWSEndpointURL)
	go st.queue.run(ctx, log.With("queue", cfg.QueueName), func(ctx context.Context) (string, error) {
		if !cfg.AWSAutoCreate {
			return sqsqueue.QueueURL(ctx, setupSQS, cfg.QueueName)
		}
		return sqsqueue.EnsureQueues(ctx, setupSQS, cfg.QueueName, sqsqueue.QueueOptions{
			MaxReceiveCount: cfg.MaxReceiveCount, VisibilityTimeout: cfg.VisibilityTimeout,
		})
	})
	go st.bucket.run(ctx, log.With("bucket", cfg.BucketName), func(ctx context.Context) (struct{}, error) {
		if !cfg.AWSAutoCreate {
			// Infrastructure code owns the bucket: only check it is there.
			return struct{}{}, setupS3.Ping(ctx)
		}
		return struct{}{}, setupS3.EnsureBucket(ctx)
	})
	return st, nil
}

// Open is Start, then Wait: it returns once both the queue and the bucket
// are set up, or with the last failure when ctx ends first.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*Stack, error) {
	st, err := Start(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := st.Wait(ctx); err != nil {
		return nil, err
	}
	return st, nil
}

// Wait blocks until both the queue and the bucket are set up; when ctx ends
// first it returns why the one still missing is.
func (st *Stack) Wait(ctx context.Context) error {
	if err := st.queue.wait(ctx); err != nil {
		return err
	}
	return st.bucket.wait(ctx)
}

// QueueURL is the task queue's URL once it was set up.
func (st *Stack) QueueURL() (string, error) { return st.queue.get() }

// PingSQS checks that the queue was set up and answers, for readiness.
// While the set-up runs, the failure is health.ErrPending: readiness then
// turns on at the first probe after it ends.
func (st *Stack) PingSQS(ctx context.Context) error {
	url, err := st.queue.get()
	if err != nil {
		return fmt.Errorf("%w: %w", health.ErrPending, err)
	}
	return sqsqueue.Ping(ctx, st.SQS, url)
}

// PingS3 checks that the bucket was set up and answers, for readiness.
func (st *Stack) PingS3(ctx context.Context) error {
	if _, err := st.bucket.get(); err != nil {
		return fmt.Errorf("%w: %w", health.ErrPending, err)
	}
	return st.Store.Ping(ctx)
}
