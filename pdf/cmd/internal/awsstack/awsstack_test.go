package awsstack

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/uuid"

	"prana/pdf/internal/adapters/s3store"
	"prana/pdf/internal/adapters/sqsqueue"
	"prana/pdf/internal/config"
	"prana/pdf/internal/domain"
	"prana/testkit/awstest"
)

// TestPresignTTLBound: the configuration accepts no presign TTL that the
// S3 adapter would refuse, and refuses none it accepts.
func TestPresignTTLBound(t *testing.T) {
	t.Parallel()
	if config.MaxPresignTTL != s3store.MaxPresignTTL {
		t.Errorf("config.MaxPresignTTL %v, s3store.MaxPresignTTL %v: keep them equal", config.MaxPresignTTL, s3store.MaxPresignTTL)
	}
}

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
		AWSAutoCreate: false,
	}
	log := slog.New(slog.DiscardHandler)
	sqsClient, s3Client := awstest.SQS(t, endpoint), awstest.S3(t, endpoint)

	// Open keeps trying until its context ends, then says why.
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := Open(short, cfg, log); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("Open with no queue and AWS_AUTO_CREATE=false: %v, want ErrNotConnected", err)
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
	if got, _ := st.QueueURL(); got != url {
		t.Errorf("QueueURL %q, want %q", got, url)
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

// TestStartDuringAnOutage: Start returns at once while S3 and SQS are
// unreachable; the gated adapters refuse at once with ErrNotConnected and
// the pings name what is missing; once AWS answers the set-up completes by
// itself (the queue and bucket created) and the adapters work.
func TestStartDuringAnOutage(t *testing.T) {
	t.Parallel()
	sw := awstest.NewSwitch(t)
	sw.Down(t)
	name := "outage-" + uuid.NewString()[:8]
	cfg := config.Config{
		AWSEndpointURL: sw.URL, AWSAccessKeyID: "test", AWSSecretAccessKey: "test", AWSRegion: "us-east-1",
		QueueName: name, BucketName: name, VisibilityTimeout: time.Minute, MaxReceiveCount: 5, AWSAutoCreate: true,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	st, err := Start(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("Start took %s during an outage, want it at once", took)
	}
	job := domain.Job{ID: uuid.NewString(), UserID: uuid.NewString(), Status: domain.JobQueued, UpdatedAt: time.Now()}
	if err := st.Objects().SaveJob(ctx, job); !errors.Is(err, ErrNotConnected) {
		t.Errorf("SaveJob during the outage: %v, want ErrNotConnected", err)
	}
	if err := st.Publisher(sqsqueue.PublisherOptions{}).Publish(ctx, domain.Task{JobID: job.ID}); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Publish during the outage: %v, want ErrNotConnected", err)
	}
	if err := st.PingS3(ctx); !errors.Is(err, ErrNotConnected) || !strings.Contains(err.Error(), "s3") {
		t.Errorf("PingS3 during the outage: %v, want ErrNotConnected naming s3", err)
	}
	if err := st.PingSQS(ctx); !errors.Is(err, ErrNotConnected) || !strings.Contains(err.Error(), "sqs") {
		t.Errorf("PingSQS during the outage: %v, want ErrNotConnected naming sqs", err)
	}

	sw.Up(t)
	waitCtx, cancelWait := context.WithTimeout(ctx, 15*time.Second)
	defer cancelWait()
	if err := st.Wait(waitCtx); err != nil {
		t.Fatalf("Wait after AWS returned: %v", err)
	}
	if err := st.Objects().SaveJob(ctx, job); err != nil {
		t.Errorf("SaveJob after AWS returned: %v", err)
	}
	if err := errors.Join(st.PingS3(ctx), st.PingSQS(ctx)); err != nil {
		t.Errorf("pings after AWS returned: %v", err)
	}
}
