package apptest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"prana/pdf/internal/app"
)

// RunUploadGuardContract checks what the app relies on of an
// app.UploadGuard: a window grants exactly max uploads per user and then
// says when to retry; the active-job pointer is a compare-and-swap; an
// erasure forgets both. newGuard returns an empty guard of the test's own
// whose window does not end during the test (a fixed clock).
func RunUploadGuardContract(t *testing.T, newGuard func(t *testing.T) app.UploadGuard) {
	t.Helper()
	ctx := context.Background()
	const window = time.Minute

	t.Run("AWindowGrantsMaxUploads", func(t *testing.T) {
		t.Parallel()
		g := newGuard(t)
		user, other := uuid.NewString(), uuid.NewString()
		const limit = 3
		for i := range limit {
			if ok, _, err := g.TakeUpload(ctx, user, limit, window); err != nil || !ok {
				t.Fatalf("upload %d: ok %v, %v; want granted", i+1, ok, err)
			}
		}
		ok, retry, err := g.TakeUpload(ctx, user, limit, window)
		if err != nil || ok {
			t.Fatalf("upload %d: ok %v, %v; want refused", limit+1, ok, err)
		}
		if retry <= 0 || retry > window {
			t.Errorf("retry after %v, want within (0, %v]", retry, window)
		}
		if ok, _, err := g.TakeUpload(ctx, other, limit, window); err != nil || !ok {
			t.Errorf("another user's first upload: ok %v, %v; want granted", ok, err)
		}
	})

	t.Run("NoPointerAtFirst", func(t *testing.T) {
		t.Parallel()
		g := newGuard(t)
		if p, found, err := g.ActiveJob(ctx, uuid.NewString()); err != nil || found {
			t.Errorf("ActiveJob of a new user: %+v, found %v, %v; want none", p, found, err)
		}
	})

	t.Run("PointerIsACompareAndSwap", func(t *testing.T) {
		t.Parallel()
		g := newGuard(t)
		user := uuid.NewString()
		since := time.Date(2026, 12, 5, 8, 0, 10, 0, time.UTC)
		first := app.ActivePointer{JobID: uuid.NewString(), Since: since}
		if err := g.SetActiveJob(ctx, user, app.ActivePointer{}, first); err != nil {
			t.Fatalf("first pointer: %v", err)
		}
		read := mustActive(t, g, user, first)
		// A second writer that also saw no pointer loses.
		if err := g.SetActiveJob(ctx, user, app.ActivePointer{}, app.ActivePointer{JobID: uuid.NewString(), Since: since}); !errors.Is(err, app.ErrConflict) {
			t.Errorf("creating over an existing pointer: %v, want ErrConflict", err)
		}
		second := app.ActivePointer{JobID: uuid.NewString(), Since: since.Add(time.Minute)}
		if err := g.SetActiveJob(ctx, user, read, second); err != nil {
			t.Fatalf("replacing the pointer read: %v", err)
		}
		now := mustActive(t, g, user, second)
		if now.Version == read.Version {
			t.Errorf("the version %q did not change with the pointer", now.Version)
		}
		// The pointer read before the swap is stale now.
		if err := g.SetActiveJob(ctx, user, read, app.ActivePointer{JobID: uuid.NewString(), Since: since}); !errors.Is(err, app.ErrConflict) {
			t.Errorf("replacing a stale pointer: %v, want ErrConflict", err)
		}
		mustActive(t, g, user, second)
		// A pointer of another user is not this user's.
		if err := g.SetActiveJob(ctx, uuid.NewString(), now, second); !errors.Is(err, app.ErrConflict) {
			t.Errorf("swapping another user's missing pointer: %v, want ErrConflict", err)
		}
	})

	t.Run("ErasureForgetsTheUser", func(t *testing.T) {
		t.Parallel()
		g := newGuard(t)
		user, other := uuid.NewString(), uuid.NewString()
		p := app.ActivePointer{JobID: uuid.NewString(), Since: time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)}
		for _, u := range []string{user, other} {
			if ok, _, err := g.TakeUpload(ctx, u, 1, window); err != nil || !ok {
				t.Fatalf("upload: ok %v, %v", ok, err)
			}
			if err := g.SetActiveJob(ctx, u, app.ActivePointer{}, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := g.ForgetUser(ctx, user); err != nil {
			t.Fatal(err)
		}
		if _, found, err := g.ActiveJob(ctx, user); err != nil || found {
			t.Errorf("pointer after erasure: found %v, %v; want none", found, err)
		}
		if ok, _, err := g.TakeUpload(ctx, user, 1, window); err != nil || !ok {
			t.Errorf("upload after erasure: ok %v, %v; want the count forgotten", ok, err)
		}
		mustActive(t, g, other, p)
		if ok, _, err := g.TakeUpload(ctx, other, 1, window); err != nil || ok {
			t.Errorf("another user's upload after the erasure: ok %v, %v; want still counted", ok, err)
		}
		if err := g.ForgetUser(ctx, uuid.NewString()); err != nil {
			t.Errorf("forgetting a user never seen: %v, want nil", err)
		}
	})
}

// mustActive reads user's pointer and checks it is want (its version
// aside, which must be set).
func mustActive(t *testing.T, g app.UploadGuard, user string, want app.ActivePointer) app.ActivePointer {
	t.Helper()
	got, found, err := g.ActiveJob(context.Background(), user)
	if err != nil || !found {
		t.Fatalf("ActiveJob: found %v, %v", found, err)
	}
	if got.JobID != want.JobID || !got.Since.Equal(want.Since) || got.Version == "" {
		t.Errorf("ActiveJob = %+v, want job %s since %v with a version", got, want.JobID, want.Since)
	}
	return got
}
