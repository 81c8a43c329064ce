package apptest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
)

// TaskQueueUnderTest is the publish side of a queue (the app's
// app.TaskPublisher) and its consume side: Next returns the next task
// delivered, waiting until ctx ends.
type TaskQueueUnderTest struct {
	Publisher app.TaskPublisher
	Next      func(ctx context.Context) (domain.Task, error)
}

// RunTaskQueueContract checks the publish/consume pair: every task
// published is delivered once, as it was published; a seed task (no job
// id, no request time) arrives with its send time as the request time, so
// that a redelivery renders the same bytes; a publish whose context has
// ended is not accepted. Delivery order is not promised. newQueue returns an empty
// queue of the test's own.
func RunTaskQueueContract(t *testing.T, newQueue func(t *testing.T) TaskQueueUnderTest) {
	t.Helper()

	t.Run("PublishedTasksArriveAsSent", func(t *testing.T) {
		t.Parallel()
		q := newQueue(t)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		sent := map[string]domain.Task{}
		for i := range 3 {
			task := domain.Task{
				JobID: uuid.NewString(), Profile: profile(i),
				RequestedAt: time.Date(2026, 12, 5, 8, 0, 10, 123456789, time.UTC).Add(time.Duration(i) * time.Second),
			}
			if err := q.Publisher.Publish(ctx, task); err != nil {
				t.Fatalf("Publish: %v", err)
			}
			sent[task.JobID] = task
		}
		for range len(sent) {
			got, err := q.Next(ctx)
			if err != nil {
				t.Fatalf("Next: %v (%d tasks still to come)", err, len(sent))
			}
			want, ok := sent[got.JobID]
			if !ok {
				t.Fatalf("delivered %+v: not sent, or delivered twice", got)
			}
			delete(sent, got.JobID)
			assertTask(t, got, want)
		}
		assertNothingMore(t, q)
	})

	t.Run("ASeedTaskArrivesAsSent", func(t *testing.T) {
		t.Parallel()
		q := newQueue(t)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		want := domain.Task{Profile: profile(7)}
		before := time.Now()
		if err := q.Publisher.Publish(ctx, want); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		after := time.Now()
		got, err := q.Next(ctx)
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		// The send time, to the millisecond a queue may keep it in.
		if sent := got.RequestedAt; sent.Before(before.Add(-time.Second)) || sent.After(after.Add(time.Second)) {
			t.Errorf("seed task requested at %v, want its send time (%v … %v)", sent, before, after)
		}
		want.RequestedAt = got.RequestedAt
		assertTask(t, got, want)
	})

	t.Run("AnEndedPublishIsNotAccepted", func(t *testing.T) {
		t.Parallel()
		q := newQueue(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := q.Publisher.Publish(ctx, domain.Task{JobID: uuid.NewString(), Profile: profile(1)}); err == nil {
			t.Fatal("Publish on an ended context: nil error")
		}
		assertNothingMore(t, q)
	})
}

func profile(i int) domain.Profile {
	return domain.Profile{
		UserID: uuid.NewString(), Name: "Іван", Surname: "Петренко " + string(rune('A'+i%26)), Email: "ivan@example.com",
		DateOfBirth: time.Date(1990, 2, 28, 0, 0, 0, 0, time.UTC),
	}
}

func assertTask(t *testing.T, got, want domain.Task) {
	t.Helper()
	if !got.RequestedAt.Equal(want.RequestedAt) || !got.Profile.DateOfBirth.Equal(want.Profile.DateOfBirth) {
		t.Errorf("times: requested %v, born %v; want %v, %v",
			got.RequestedAt, got.Profile.DateOfBirth, want.RequestedAt, want.Profile.DateOfBirth)
	}
	got.RequestedAt, got.Profile.DateOfBirth = want.RequestedAt, want.Profile.DateOfBirth
	if got != want {
		t.Errorf("delivered %+v, want %+v", got, want)
	}
}

// assertNothingMore checks that no further task arrives for a moment.
func assertNothingMore(t *testing.T, q TaskQueueUnderTest) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	if got, err := q.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("an extra delivery: %+v, %v", got, err)
	}
}
