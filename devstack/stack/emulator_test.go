package stack

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// TestEmulatorProxyServesS3AndSQS talks to the emulator through its proxy the way the services do: the AWS SDK
// with SigV4, path-style S3, and SQS over AWS JSON 1.0.
func TestEmulatorProxyServesS3AndSQS(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	logW := NewConsole(&log).Prefixed("aws")
	em, err := StartEmulator("127.0.0.1:0", logW)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := em.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	ctx := t.Context()
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	}

	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(em.URL)
		o.UsePathStyle = true
	})
	bucket, key, body := "user-pdfs", "u1/profile.pdf", []byte("%PDF-1.7 test")
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	_, err = s3c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &bucket, Key: &key, Body: bytes.NewReader(body), ContentType: aws.String("application/pdf"),
	})
	if err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	got, err := io.ReadAll(obj.Body)
	obj.Body.Close()
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("GetObject body = %q, %v; want %q", got, err, body)
	}

	// Virtual-hosted style puts the bucket in the Host header: it only works if the proxy passes Host on.
	get(t, em.URL+"/"+key, "user-pdfs.localhost", body)
	// The public URL pattern: a plain, unsigned GET /bucket/key.
	get(t, em.URL+"/"+bucket+"/"+key, "", body)

	sqsc := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(em.URL) })
	q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("pdf-jobs")})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	if !strings.HasSuffix(aws.ToString(q.QueueUrl), "/pdf-jobs") {
		t.Errorf("QueueUrl = %q", aws.ToString(q.QueueUrl))
	}
	if _, err := sqsc.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("job-1")}); err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	msgs, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 1})
	if err != nil || len(msgs.Messages) != 1 || aws.ToString(msgs.Messages[0].Body) != "job-1" {
		t.Fatalf("ReceiveMessage = %+v, %v", msgs, err)
	}

	logW.Flush()
	for _, want := range []string{"aws    | PUT /user-pdfs/u1/profile.pdf 200", "aws    | POST / CreateQueue 200"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("request log lacks %q:\n%s", want, log.String())
		}
	}
}

// get fetches url without credentials, with the given Host header if any, and checks the body.
func get(t *testing.T, url, host string, want []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s (Host %q): %v", url, host, err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, want) {
		t.Errorf("GET %s (Host %q) = %s %q, want 200 %q", url, host, resp.Status, got, want)
	}
}
