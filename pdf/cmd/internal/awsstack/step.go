package awsstack

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Retry delays of a set-up step: the first retry comes soon (an emulator
// started alongside the service is up within a second), then the delay
// doubles up to the cap, so a long outage costs a few calls a minute and a
// returning AWS is noticed within the cap.
const (
	minRetry = 250 * time.Millisecond
	maxRetry = 5 * time.Second
)

// step is one part of the set-up (the queue, the bucket), tried in the
// background until it succeeds. Its value is published once, on success.
type step[T any] struct {
	name string // the readiness check's name: "sqs", "s3"
	done chan struct{}
	val  T // written once, before done is closed

	mu      sync.Mutex
	lastErr error
}

func newStep[T any](name string) *step[T] {
	return &step[T]{name: name, done: make(chan struct{}), lastErr: fmt.Errorf("%s: first attempt in progress", name)}
}

// run tries set up until it succeeds or ctx ends, waiting between attempts
// with jittered exponential backoff (between half and all of the delay, so
// that replicas started together do not retry in step).
func (s *step[T]) run(ctx context.Context, log *slog.Logger, setUp func(context.Context) (T, error)) {
	start := time.Now()
	delay := minRetry
	for attempt := 1; ; attempt++ {
		v, err := setUp(ctx)
		if err == nil {
			s.val = v
			close(s.done)
			if attempt > 1 {
				log.Info(s.name+" connected", "attempts", attempt, "after", time.Since(start).Round(time.Millisecond).String())
			}
			return
		}
		s.failed(err)
		if ctx.Err() != nil {
			return
		}
		pause := delay/2 + rand.N(delay/2+1)
		log.Warn(s.name+" not reachable yet; retrying in the background",
			"attempt", attempt, "retry_in", pause.Round(time.Millisecond).String(), "err", err)
		select {
		case <-ctx.Done():
			s.failed(ctx.Err())
			return
		case <-time.After(pause):
		}
		delay = min(2*delay, maxRetry)
	}
}

func (s *step[T]) failed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastErr = err
}

// get returns the value once the step succeeded; before, an error wrapping
// ErrNotConnected and the last failure, without waiting.
func (s *step[T]) get() (T, error) {
	select {
	case <-s.done:
		return s.val, nil
	default:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var zero T
	return zero, fmt.Errorf("%w: %s: %w", ErrNotConnected, s.name, s.lastErr)
}

// wait blocks until the step succeeded or ctx ends.
func (s *step[T]) wait(ctx context.Context) error {
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		_, err := s.get()
		return err
	}
}
