package sqsqueue

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"prana/pdf/internal/app/apptest"
	"prana/pdf/internal/domain"
	"prana/testkit/awstest"
)

// holdReceives is a proxy to the emulator that holds every ReceiveMessage
// answer carrying messages until release is closed: SQS has taken the
// messages, and the answer is on its way when the worker is told to stop.
func holdReceives(t *testing.T, held chan<- struct{}, release <-chan struct{}) string {
	t.Helper()
	target, err := url.Parse(awstest.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Header.Get("X-Amz-Target") != "AmazonSQS.ReceiveMessage" {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("ReceiptHandle")) {
			return nil
		}
		select {
		case held <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-resp.Request.Context().Done():
		}
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestShutdownFinishesAReceiveInFlight stops the consumer while the answer
// to a receive is on its way: the message it carries must be handled and
// deleted, not left invisible to every worker for the visibility timeout.
func TestShutdownFinishesAReceiveInFlight(t *testing.T) {
	t.Parallel()
	q := newQueue(t, QueueOptions{})
	held, release := make(chan struct{}, 1), make(chan struct{})
	client := awstest.SQS(t, holdReceives(t, held, release))

	var handled atomic.Int32
	h := &apptest.TaskHandler{Process: func(context.Context, domain.Task, bool) error {
		handled.Add(1)
		return nil
	}}
	log, _ := testLogger(t)
	// A visibility timeout far past the test: an abandoned message could
	// not come back in time to hide the loss.
	r := run(t, NewConsumer(client, q.url, log, fast(ConsumerOptions{VisibilityTimeout: 10 * time.Minute})), h)
	q.publish(t, sampleTask())

	select {
	case <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("no receive brought the message")
	}
	r.cancel()
	time.Sleep(200 * time.Millisecond) // a consumer that drops the answer has done so by now
	close(release)
	if err := r.wait(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if handled.Load() != 1 {
		t.Errorf("%d handled, want the message in the answer handled", handled.Load())
	}
	if visible, inFlight := q.counts(t, q.url); visible != 0 || inFlight != 0 {
		t.Errorf("after the stop: %d waiting, %d in flight; want the message handled and deleted", visible, inFlight)
	}
}
