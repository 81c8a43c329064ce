package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"prana/shared/awsconfig"
)

// queueView is the test's own look at a stack's task queue on the emulator.
type queueView struct {
	client *sqs.Client
	url    string
}

func openQueue(t *testing.T, name string) queueView {
	t.Helper()
	ctx := context.Background()
	settings := awsconfig.Settings{EndpointURL: kumoURL, AccessKeyID: "test", SecretAccessKey: "test", Region: "us-east-1"}
	cfg, err := awsconfig.Load(ctx, settings)
	if err != nil {
		t.Fatal(err)
	}
	client := awsconfig.NewSQS(cfg, settings)
	u, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatalf("queue %s: %v", name, err)
	}
	return queueView{client: client, url: aws.ToString(u.QueueUrl)}
}

// counts are the messages waiting and those received but not yet deleted
// (in flight, invisible until their visibility timeout ends).
func (q queueView) counts(t testing.TB) (visible, inFlight int) {
	t.Helper()
	out, err := q.client.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(q.url),
		AttributeNames: []types.QueueAttributeName{
			types.QueueAttributeNameApproximateNumberOfMessages,
			types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	visible, err1 := strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)])
	inFlight, err2 := strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	if err1 != nil || err2 != nil {
		t.Fatalf("queue attributes %v: %v %v", out.Attributes, err1, err2)
	}
	return visible, inFlight
}
