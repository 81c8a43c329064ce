// Package awsstack assembles the pdf service's AWS adapters from its
// configuration: clients, the queue and its dead-letter queue, the bucket.
// The API and the worker both start with it, so they agree on the setup.
package awsstack

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"prana/pdf/internal/adapters/s3store"
	"prana/pdf/internal/adapters/sqsqueue"
	"prana/pdf/internal/config"
	"prana/shared/awsconfig"
)

// Stack is the AWS side of the pdf service, ready to use.
type Stack struct {
	SQS      *sqs.Client
	QueueURL string
	Store    *s3store.Store
}

// Open builds the clients and creates the queues and the bucket when
// absent (the seed forgot to) unless cfg.AWSAutoCreate is off, retrying until cfg.StartupTimeout so that a
// stack started alongside its emulator does not race it.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*Stack, error) {
	awsCfg, err := awsconfig.Load(ctx, cfg.AWS(), withSDKLogger(log))
	if err != nil {
		return nil, err
	}
	st := &Stack{SQS: awsconfig.NewSQS(awsCfg, cfg.AWS())}
	st.Store = s3store.New(awsconfig.NewS3(awsCfg, cfg.AWS()), s3store.Config{
		Bucket: cfg.BucketName, PublicBaseURL: cfg.PublicURL, PresignTTL: cfg.PresignTTL,
	})
	deadline := time.Now().Add(cfg.StartupTimeout)
	for attempt := 1; ; attempt++ {
		err = st.ensure(ctx, cfg)
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		log.Warn("S3/SQS not ready yet; retrying", "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	if err != nil {
		return nil, fmt.Errorf("set up S3/SQS (AWS_ENDPOINT_URL=%q): %w", cfg.AWSEndpointURL, err)
	}
	return st, nil
}

func (st *Stack) ensure(ctx context.Context, cfg config.Config) error {
	if !cfg.AWSAutoCreate {
		return st.find(ctx, cfg)
	}
	url, err := sqsqueue.EnsureQueues(ctx, st.SQS, cfg.QueueName, sqsqueue.QueueOptions{
		MaxReceiveCount: cfg.MaxReceiveCount, VisibilityTimeout: cfg.VisibilityTimeout,
	})
	if err != nil {
		return err
	}
	st.QueueURL = url
	return st.Store.EnsureBucket(ctx)
}

// find looks the queue and the bucket up without creating or changing
// anything (AWS_AUTO_CREATE=false): they belong to infrastructure code, and
// the service needs no create permissions.
func (st *Stack) find(ctx context.Context, cfg config.Config) error {
	url, err := sqsqueue.QueueURL(ctx, st.SQS, cfg.QueueName)
	if err != nil {
		return err
	}
	st.QueueURL = url
	return st.Store.Ping(ctx)
}
