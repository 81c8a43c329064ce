package s3store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/uuid"

	"prana/pdf/internal/app"
	"prana/testkit/awstest"
)

// storeAt returns a Store on a fresh bucket whose upload windows follow
// *now.
func storeAt(t *testing.T, now *time.Time) *Store {
	t.Helper()
	st := New(awstest.S3(t, awstest.Start(t)), Config{Bucket: bucketName(), Now: func() time.Time { return *now }})
	if err := st.EnsureBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// Two stores on one bucket are two replicas: together they grant exactly
// max uploads per window, even when their requests race.
func TestTakeUploadSharedAcrossReplicas(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 5, 8, 0, 10, 0, time.UTC)
	a := storeAt(t, &now)
	b := New(a.client, Config{Bucket: a.bucket, Now: func() time.Time { return now }})
	ctx, user := context.Background(), uuid.NewString()

	const max = 6
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		granted int
	)
	for i := range 2 * max {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := a
			if i%2 == 1 {
				st = b
			}
			ok, _, err := st.TakeUpload(ctx, user, max, time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				granted++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if granted != max {
		t.Fatalf("granted %d uploads in one window across two replicas, want %d", granted, max)
	}
	ok, retry, err := b.TakeUpload(ctx, user, max, time.Minute)
	if err != nil || ok || retry != 50*time.Second {
		t.Errorf("past the limit: ok %v retry %s err %v, want refused with 50s (the rest of the minute)", ok, retry, err)
	}
	// Another user has a limit of their own; the next minute starts afresh.
	if ok, _, err := a.TakeUpload(ctx, uuid.NewString(), max, time.Minute); err != nil || !ok {
		t.Errorf("another user: ok %v err %v", ok, err)
	}
	now = now.Add(time.Minute)
	if ok, _, err := a.TakeUpload(ctx, user, max, time.Minute); err != nil || !ok {
		t.Errorf("next minute: ok %v err %v", ok, err)
	}
}

// The pointer is a compare-and-swap: of two writers that read the same
// version, one wins and the other gets app.ErrConflict.
func TestActiveJobCompareAndSwap(t *testing.T) {
	t.Parallel()
	now := time.Now()
	st := storeAt(t, &now)
	ctx, user := context.Background(), uuid.NewString()

	if _, found, err := st.ActiveJob(ctx, user); err != nil || found {
		t.Fatalf("fresh user: found %v err %v", found, err)
	}
	first := app.ActivePointer{JobID: uuid.NewString(), Since: now.UTC().Truncate(time.Millisecond)}
	if err := st.SetActiveJob(ctx, user, app.ActivePointer{}, first); err != nil {
		t.Fatal(err)
	}
	// A second "create" loses: the pointer exists now.
	if err := st.SetActiveJob(ctx, user, app.ActivePointer{}, first); !errors.Is(err, app.ErrConflict) {
		t.Fatalf("second create: %v, want ErrConflict", err)
	}
	got, found, err := st.ActiveJob(ctx, user)
	if err != nil || !found || got.JobID != first.JobID || !got.Since.Equal(first.Since) || got.Version == "" {
		t.Fatalf("read back %+v found %v err %v, want %+v with a version", got, found, err, first)
	}
	second := app.ActivePointer{JobID: uuid.NewString(), Since: first.Since.Add(time.Second)}
	if err := st.SetActiveJob(ctx, user, got, second); err != nil {
		t.Fatalf("swap with the current version: %v", err)
	}
	if err := st.SetActiveJob(ctx, user, got, first); !errors.Is(err, app.ErrConflict) {
		t.Fatalf("swap with a stale version: %v, want ErrConflict", err)
	}
	if cur, _, _ := st.ActiveJob(ctx, user); cur.JobID != second.JobID {
		t.Errorf("pointer = %s, want the winner %s", cur.JobID, second.JobID)
	}
}

// An erasure leaves nothing of the user under limits/ or jobs/, and
// nothing of anyone else goes with it.
func TestEraseForgetsUploadBookkeeping(t *testing.T) {
	t.Parallel()
	now := time.Now()
	st := storeAt(t, &now)
	ctx := context.Background()
	gone, kept := uuid.NewString(), uuid.NewString()
	for _, u := range []string{gone, kept} {
		if ok, _, err := st.TakeUpload(ctx, u, 6, time.Minute); err != nil || !ok {
			t.Fatal(ok, err)
		}
		if err := st.SetActiveJob(ctx, u, app.ActivePointer{}, app.ActivePointer{JobID: uuid.NewString(), Since: now}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.ForgetUser(ctx, gone); err != nil {
		t.Fatal(err)
	}
	list, err := st.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(st.bucket), Prefix: aws.String("limits/")})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range list.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	if len(keys) != 2 {
		t.Errorf("objects under limits/ after erasing one of two users: %q, want the other's two", keys)
	}
	for _, k := range keys {
		if !strings.Contains(k, kept) {
			t.Errorf("%s survived the erasure of %s", k, gone)
		}
	}
	if _, found, _ := st.ActiveJob(ctx, kept); !found {
		t.Error("the other user's pointer went too")
	}
}

// A bucket the service creates expires job records after a week and the
// upload bookkeeping after a day; a bucket that exists keeps its rules.
func TestEnsureBucketSetsLifecycle(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	out, err := st.client.GetBucketLifecycleConfiguration(context.Background(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(st.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int32{}
	for _, r := range out.Rules {
		if r.Filter == nil || r.Expiration == nil || r.Status != "Enabled" {
			t.Errorf("rule %s: filter %v expiration %v status %s", aws.ToString(r.ID), r.Filter, r.Expiration, r.Status)
			continue
		}
		got[aws.ToString(r.Filter.Prefix)] = aws.ToInt32(r.Expiration.Days)
	}
	if len(got) != 2 || got["jobs/"] != JobRecordDays || got["limits/"] != LimitsDays {
		t.Errorf("lifecycle rules by prefix %v, want jobs/ %d days and limits/ %d day", got, JobRecordDays, LimitsDays)
	}
}
