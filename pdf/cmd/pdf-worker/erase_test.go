package main

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/uuid"

	"prana/pdf/internal/app"
	"prana/shared/erasuremsg"
	"prana/testkit/awstest"
)

// An erasure also deletes the user's upload bookkeeping under limits/ (the
// minute's slots and the current-job pointer), and nothing of another user.
func TestEraseDeletesUploadBookkeeping(t *testing.T) {
	t.Parallel()
	w := startWorker(t)
	ctx := context.Background()
	gone, kept := uuid.NewString(), uuid.NewString()
	for _, u := range []string{gone, kept} {
		if ok, _, err := w.stack.Store.TakeUpload(ctx, u, 6, time.Minute); err != nil || !ok {
			t.Fatalf("take an upload slot: %v %v", ok, err)
		}
		if err := w.stack.Store.SetActiveJob(ctx, u, app.ActivePointer{}, app.ActivePointer{JobID: uuid.NewString(), Since: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.stack.SQS.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl: aws.String(w.queueURL), MessageBody: aws.String(erasuremsg.Encode(gone)),
		MessageAttributes: map[string]types.MessageAttributeValue{
			erasuremsg.KindAttribute: {DataType: aws.String("String"), StringValue: aws.String(erasuremsg.KindEraseUser)},
		},
	}); err != nil {
		t.Fatal(err)
	}
	keysUnder := func(prefix string) []string {
		out, err := w.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(w.cfg.BucketName), Prefix: aws.String(prefix)})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		return keys
	}
	awstest.Eventually(t, 15*time.Second, "the erased user's limits/ objects gone", func() bool {
		return len(keysUnder("limits/uploads/"+gone+"/")) == 0 && len(keysUnder("limits/active/"+gone)) == 0
	})
	if n := len(keysUnder("limits/uploads/"+kept+"/")) + len(keysUnder("limits/active/"+kept)); n != 2 {
		t.Errorf("the other user's limits/ objects: %d, want 2", n)
	}
}
