package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"prana/pdf/internal/app"
	"prana/pdf/internal/app/apptest"
	"prana/pdf/internal/domain"
)

func newGuardedFixture(t *testing.T, perMinute int) (*fixture, *apptest.Uploads) {
	t.Helper()
	f := newFixtureWith(t, app.UploadPolicy{PerMinute: perMinute})
	return f, f.uploads
}

func TestRequestUploadLimit(t *testing.T) {
	t.Parallel()
	f, _ := newGuardedFixture(t, 3)
	ctx, p := context.Background(), sampleProfile()
	for i := range 3 {
		if _, err := f.api.RequestUpload(ctx, p); err != nil {
			t.Fatalf("upload %d: %v", i+1, err)
		}
	}
	_, err := f.api.RequestUpload(ctx, p)
	var limited *app.RateLimitedError
	if !errors.As(err, &limited) || limited.RetryAfter != 30*time.Second {
		t.Fatalf("upload 4: %v, want a RateLimitedError with the guard's retry (30s)", err)
	}
	if _, err := f.api.RequestUpload(ctx, sampleProfile()); err != nil {
		t.Errorf("another user: %v", err)
	}
}

func TestRequestUploadAnswersRunningJob(t *testing.T) {
	t.Parallel()
	f, up := newGuardedFixture(t, 0)
	ctx, p := context.Background(), sampleProfile()
	first, err := f.api.RequestUpload(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []domain.JobStatus{domain.JobQueued, domain.JobProcessing} {
		j, _ := f.jobs.Job(ctx, p.UserID, first.ID)
		j.Status = st
		j.URL = "http://presigned.test/x?X-Amz-Signature=1" // as a store with S3_PRESIGN_TTL reads it
		_ = f.jobs.SaveJob(ctx, j)
		again, err := f.api.RequestUpload(ctx, p)
		if err != nil || again.ID != first.ID {
			t.Fatalf("upload while the job is %s: %s, %v; want the same job %s", st, again.ID, err, first.ID)
		}
		if again.URL != first.URL {
			t.Errorf("the running job's 202 has url %q, want the plain address %q", again.URL, first.URL)
		}
	}
	if n := len(f.queue.Published); n != 1 {
		t.Fatalf("%d tasks published, want 1", n)
	}
	// Once the job is settled, a new upload makes a new job.
	for _, st := range []domain.JobStatus{domain.JobDone, domain.JobFailed} {
		cur, _, _ := up.ActiveJob(ctx, p.UserID)
		j, _ := f.jobs.Job(ctx, p.UserID, cur.JobID)
		j.Status = st
		_ = f.jobs.SaveJob(ctx, j)
		next, err := f.api.RequestUpload(ctx, p)
		if err != nil || next.ID == cur.JobID {
			t.Fatalf("upload after the job is %s: %s, %v; want a new job", st, next.ID, err)
		}
	}
}

// A job queued too long ago is stuck: it no longer holds the user back.
func TestRequestUploadPassesStuckJob(t *testing.T) {
	t.Parallel()
	f, up := newGuardedFixture(t, 0)
	ctx, p := context.Background(), sampleProfile()
	first, err := f.api.RequestUpload(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	up.AgePointer(p.UserID, app.DefaultStuckAfter+time.Minute)
	next, err := f.api.RequestUpload(ctx, p)
	if err != nil || next.ID == first.ID {
		t.Fatalf("upload past a stuck job: %s, %v; want a new job", next.ID, err)
	}
}

// Two requests of one user racing: the one that loses the swap answers
// with the winner's job instead of queueing a second one, even when the
// winner is so quick that its job is done before the loser reads it
// (neither a second job nor a 503 for contention).
func TestRequestUploadLosesRace(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		winnerDone bool
		want       domain.JobStatus
	}{
		{"to a queued job", false, domain.JobQueued},
		{"to a finished job", true, domain.JobDone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, up := newGuardedFixture(t, 0)
			ctx, p := context.Background(), sampleProfile()
			var winner domain.Job
			up.BeforeSet = func() {
				var err error
				if winner, err = f.api.RequestUpload(ctx, p); err != nil {
					t.Error(err)
					return
				}
				if tc.winnerDone {
					if err := f.worker.ProcessTask(ctx, f.queue.Published[0], false); err != nil {
						t.Error(err)
					}
				}
			}
			loser, err := f.api.RequestUpload(ctx, p)
			if err != nil || loser.ID != winner.ID {
				t.Fatalf("racing upload: %s, %v; want the winner's job %s", loser.ID, err, winner.ID)
			}
			if loser.Status != tc.want {
				t.Errorf("status %q, want %q", loser.Status, tc.want)
			}
			if n := len(f.queue.Published); n != 1 {
				t.Errorf("%d tasks published, want 1", n)
			}
		})
	}
}
