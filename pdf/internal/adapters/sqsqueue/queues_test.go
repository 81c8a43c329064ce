package sqsqueue

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/uuid"

	"prana/testkit/awstest"
)

func TestEnsureQueues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := awstest.SQS(t, awstest.Start(t))
	name := "ensure-" + uuid.NewString()[:13]

	url, err := EnsureQueues(ctx, client, name, QueueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	again, err := EnsureQueues(ctx, client, name, QueueOptions{})
	if err != nil {
		t.Fatalf("second EnsureQueues: %v", err)
	}
	if again != url {
		t.Errorf("second EnsureQueues = %q, want %q", again, url)
	}
	checkQueue(t, client, name, 60, 5)

	// A changed setting reaches the existing queue.
	if _, err := EnsureQueues(ctx, client, name, QueueOptions{MaxReceiveCount: 3, VisibilityTimeout: 1500 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	checkQueue(t, client, name, 2, 3) // 1.5 s rounds up to 2

	if err := NewPublisher(client, url, PublisherOptions{}).Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// checkQueue reads the queue's attributes back.
func checkQueue(t *testing.T, client *sqs.Client, name string, visibility, maxReceive int) {
	t.Helper()
	ctx := context.Background()
	attrs := func(name string) map[string]string {
		u, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
		if err != nil {
			t.Fatalf("queue %s: %v", name, err)
		}
		out, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
			QueueUrl: u.QueueUrl, AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll},
		})
		if err != nil {
			t.Fatal(err)
		}
		return out.Attributes
	}
	main, dlq := attrs(name), attrs(name+DLQSuffix)

	var rp struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		MaxReceiveCount     int    `json:"maxReceiveCount"`
	}
	if err := json.Unmarshal([]byte(main["RedrivePolicy"]), &rp); err != nil {
		t.Fatalf("RedrivePolicy %q: %v", main["RedrivePolicy"], err)
	}
	if rp.DeadLetterTargetArn != dlq["QueueArn"] || rp.MaxReceiveCount != maxReceive {
		t.Errorf("RedrivePolicy = %+v, want target %s and %d receives", rp, dlq["QueueArn"], maxReceive)
	}
	if got, want := main["VisibilityTimeout"], strconv.Itoa(visibility); got != want {
		t.Errorf("VisibilityTimeout = %s, want %s", got, want)
	}
	if got := dlq["MessageRetentionPeriod"]; got != "1209600" {
		t.Errorf("DLQ MessageRetentionPeriod = %s, want 1209600 (14 days)", got)
	}
}
