package awsstack

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/uuid"

	"prana/pdf/internal/adapters/awstest"
	"prana/pdf/internal/adapters/sqsqueue"
	"prana/pdf/internal/config"
)

// TestOpenWithoutAutoCreate: with AWS_AUTO_CREATE=false the service creates
// and changes nothing: it fails on a missing queue, and uses the queue and
// bucket infrastructure code made, attributes untouched.
func TestOpenWithoutAutoCreate(t *testing.T) {
	t.Parallel()
	endpoint := awstest.Start(t)
	ctx := context.Background()
	name := "nocreate-" + uuid.NewString()[:8]
	cfg := config.Config{
		AWSEndpointURL: endpoint, AWSAccessKeyID: "test", AWSSecretAccessKey: "test", AWSRegion: "us-east-1",
		QueueName: name, BucketName: name, VisibilityTimeout: time.Minute, MaxReceiveCount: 5,
		AWSAutoCreate: false, StartupTimeout: 0, // one attempt
	}
	log := slog.New(slog.DiscardHandler)
	sqsClient, s3Client := awstest.SQS(t, endpoint), awstest.S3(t, endpoint)

	if _, err := Open(ctx, cfg, log); err == nil {
		t.Fatal("Open with no queue and AWS_AUTO_CREATE=false: nil error")
	}
	if _, err := sqsClient.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)}); err == nil {
		t.Fatal("the queue was created")
	}

	// Infrastructure code makes them, with its own visibility timeout.
	url, err := sqsqueue.EnsureQueues(ctx, sqsClient, name, sqsqueue.QueueOptions{VisibilityTimeout: 7 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s3Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	st, err := Open(ctx, cfg, log)
	if err != nil {
		t.Fatalf("Open with the queue and bucket made: %v", err)
	}
	if st.QueueURL != url {
		t.Errorf("QueueURL %q, want %q", st.QueueURL, url)
	}
	attrs, err := sqsClient.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameVisibilityTimeout},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := attrs.Attributes[string(types.QueueAttributeNameVisibilityTimeout)]; got != "7" {
		t.Errorf("visibility timeout %s s after Open, want the 7 s infrastructure set", got)
	}
}

// TestOpenAutoCreates: by default the queue, its DLQ and the bucket are made.
func TestOpenAutoCreates(t *testing.T) {
	t.Parallel()
	endpoint := awstest.Start(t)
	ctx := context.Background()
	name := "autocreate-" + uuid.NewString()[:8]
	cfg := config.Config{
		AWSEndpointURL: endpoint, AWSAccessKeyID: "test", AWSSecretAccessKey: "test", AWSRegion: "us-east-1",
		QueueName: name, BucketName: name, VisibilityTimeout: time.Minute, MaxReceiveCount: 5,
		AWSAutoCreate: true,
	}
	st, err := Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Store.Ping(ctx); err != nil {
		t.Errorf("bucket: %v", err)
	}
	if _, err := awstest.SQS(t, endpoint).GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name + sqsqueue.DLQSuffix)}); err != nil {
		t.Errorf("dead-letter queue: %v", err)
	}
}
