package apptest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
)

// RunJobStoreContract checks what the app relies on of an app.JobStore:
// a saved job reads back as saved, saving again replaces it, only its
// owner finds it, ids are matched as UUIDs (any letter case), and an
// erasure deletes every job of the user and nothing else. newStore
// returns an empty store of the test's own.
func RunJobStoreContract(t *testing.T, newStore func(t *testing.T) app.JobStore) {
	t.Helper()
	ctx := context.Background()
	job := func(user string, s domain.JobStatus) domain.Job {
		return domain.Job{
			ID: uuid.NewString(), UserID: user, Status: s, URL: "http://objects.test/bucket/profile_x.pdf",
			UpdatedAt: time.Date(2026, 11, 28, 10, 11, 12, 130000000, time.UTC),
		}
	}

	t.Run("SavedJobReadsBack", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		want := job(uuid.NewString(), domain.JobFailed)
		want.Error = "render failed"
		mustSave(t, st, want)
		assertJob(t, st, want.UserID, want.ID, want)

		want.Status, want.Error, want.UpdatedAt = domain.JobDone, "", want.UpdatedAt.Add(time.Second)
		mustSave(t, st, want)
		assertJob(t, st, want.UserID, want.ID, want)
	})

	t.Run("IDsMatchInAnyLetterCase", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		want := job(uuid.NewString(), domain.JobQueued)
		mustSave(t, st, want)
		assertJob(t, st, strings.ToUpper(want.UserID), strings.ToUpper(want.ID), want)
	})

	t.Run("UnknownJobIsNotFound", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		mustSave(t, st, job(uuid.NewString(), domain.JobQueued))
		for _, id := range []string{uuid.NewString(), "", "not-a-uuid", "../profile_x.pdf"} {
			if _, err := st.Job(ctx, uuid.NewString(), id); !errors.Is(err, domain.ErrJobNotFound) {
				t.Errorf("Job(%q): %v, want ErrJobNotFound", id, err)
			}
		}
	})

	t.Run("OnlyTheOwnerFindsAJob", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		j := job(uuid.NewString(), domain.JobDone)
		mustSave(t, st, j)
		if _, err := st.Job(ctx, uuid.NewString(), j.ID); !errors.Is(err, domain.ErrJobNotFound) {
			t.Errorf("another user's lookup: %v, want ErrJobNotFound", err)
		}
	})

	t.Run("ErasureDeletesTheUsersJobsOnly", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		alice, bob := uuid.NewString(), uuid.NewString()
		var mine []domain.Job
		for range 3 {
			j := job(alice, domain.JobDone)
			mine = append(mine, j)
			mustSave(t, st, j)
		}
		theirs := job(bob, domain.JobQueued)
		mustSave(t, st, theirs)
		if err := st.DeleteJobsOf(ctx, alice); err != nil {
			t.Fatal(err)
		}
		for _, j := range mine {
			if _, err := st.Job(ctx, alice, j.ID); !errors.Is(err, domain.ErrJobNotFound) {
				t.Errorf("alice's job after erasure: %v, want ErrJobNotFound", err)
			}
		}
		assertJob(t, st, bob, theirs.ID, theirs)
		if err := st.DeleteJobsOf(ctx, alice); err != nil {
			t.Errorf("a second erasure: %v, want nil", err)
		}
		if err := st.DeleteJobsOf(ctx, uuid.NewString()); err != nil {
			t.Errorf("erasing a user without jobs: %v, want nil", err)
		}
	})
}

func mustSave(t *testing.T, st app.JobStore, j domain.Job) {
	t.Helper()
	if err := st.SaveJob(context.Background(), j); err != nil {
		t.Fatalf("SaveJob: %v", err)
	}
}

// assertJob reads userID's job id and compares it with want.
func assertJob(t *testing.T, st app.JobStore, userID, id string, want domain.Job) {
	t.Helper()
	got, err := st.Job(context.Background(), userID, id)
	if err != nil {
		t.Fatalf("Job: %v", err)
	}
	if !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("UpdatedAt = %v, want %v", got.UpdatedAt, want.UpdatedAt)
	}
	got.UpdatedAt = want.UpdatedAt
	if got != want {
		t.Errorf("Job = %+v, want %+v", got, want)
	}
}
