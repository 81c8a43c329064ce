package sqsqueue

import (
	"context"
	"testing"
	"time"

	"prana/testkit/awstest"
)

func TestPublishUnreachableFailsPromptly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		endpoint string
		opts     PublisherOptions
		within   time.Duration
	}{
		// Connection refused, with the SDK's default retries.
		{"closed port", awstest.ClosedEndpoint(t), PublisherOptions{}, DefaultPublishTimeout + time.Second},
		// Accepted but never answered: only the timeout ends it.
		{"silent server", awstest.SilentEndpoint(t), PublisherOptions{Timeout: 300 * time.Millisecond}, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client := awstest.SQS(t, tt.endpoint)
			p := NewPublisher(client, tt.endpoint+"/000000000000/tasks", tt.opts)
			start := time.Now()
			err := p.Publish(context.Background(), sampleTask())
			if err == nil {
				t.Fatal("Publish to an unreachable queue: nil error")
			}
			if took := time.Since(start); took > tt.within {
				t.Errorf("Publish took %s, want under %s", took, tt.within)
			}
			ctx, cancel := context.WithTimeout(context.Background(), tt.within)
			defer cancel()
			if err := p.Ping(ctx); err == nil {
				t.Error("Ping of an unreachable queue: nil error")
			}
		})
	}
}
