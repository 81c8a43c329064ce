package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/domain"
)

// eraseOne signs a user up and erases them, leaving two outbox records:
// one due now and one due later.
func eraseOne(t *testing.T, s *postgres.Store, email string, later time.Duration) domain.User {
	t.Helper()
	u := create(t, s, newUser(email))
	now := time.Now()
	if err := s.EraseUser(t.Context(), u.ID, []time.Time{now.Add(-time.Second), now.Add(later)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByID(t.Context(), u.ID); !errors.Is(err, domain.ErrUserNotFound) {
		t.Fatalf("user after erasure: %v", err)
	}
	return u
}

func noRetry(int) time.Duration { return time.Hour }

// TestRelaysShareTheOutbox: relays on several replicas send each due
// erasure once, and leave the ones not yet due.
func TestRelaysShareTheOutbox(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	want := map[string]bool{}
	for i := range 20 {
		want[eraseOne(t, s, "outbox"+string(rune('a'+i))+"@example.com", time.Hour).ID] = true
	}
	var (
		mu   sync.Mutex
		seen = map[string]int{}
		wg   sync.WaitGroup
	)
	send := func(_ context.Context, id string) error {
		mu.Lock()
		seen[id]++
		mu.Unlock()
		time.Sleep(time.Millisecond)
		return nil
	}
	for range 3 {
		wg.Go(func() {
			for {
				sent, _, err := s.RelayDue(context.Background(), 4, send, noRetry)
				if err != nil {
					t.Error(err)
					return
				}
				if sent == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("erasure of %s sent %d times, want once", id, seen[id])
		}
	}
	var left int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM erasure_outbox").Scan(&left); err != nil || left != 20 {
		t.Fatalf("%d records left (%v), want the 20 not yet due", left, err)
	}
}

// TestFailedSendIsKeptAndRetried: an erasure whose send fails stays in the
// outbox, due again after the backoff.
func TestFailedSendIsKeptAndRetried(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	u := eraseOne(t, s, "retry@example.com", time.Hour)
	fail := func(context.Context, string) error { return errors.New("SQS is down") }
	if sent, failed, err := s.RelayDue(t.Context(), 10, fail, func(int) time.Duration { return 50 * time.Millisecond }); err != nil || sent != 0 || failed != 1 {
		t.Fatalf("relay with SQS down: sent %d, failed %d, %v", sent, failed, err)
	}
	var attempts int
	if err := pool.QueryRow(t.Context(), "SELECT attempts FROM erasure_outbox WHERE user_id = $1 ORDER BY due_at LIMIT 1", u.ID).Scan(&attempts); err != nil || attempts != 1 {
		t.Fatalf("attempts %d (%v), want 1", attempts, err)
	}
	ok := func(_ context.Context, id string) error {
		if id != u.ID {
			t.Errorf("sent %s, want %s", id, u.ID)
		}
		return nil
	}
	if sent, _, _ := s.RelayDue(t.Context(), 10, ok, noRetry); sent != 0 {
		t.Fatal("a postponed erasure was sent before its backoff ended")
	}
	time.Sleep(100 * time.Millisecond)
	if sent, _, _ := s.RelayDue(t.Context(), 10, ok, noRetry); sent != 1 {
		t.Fatal("the postponed erasure was not sent once its backoff ended")
	}
}

func TestEraseUserOfAGoneUser(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	if err := s.EraseUser(t.Context(), domain.NewUserID(time.Now()), []time.Time{time.Now()}); !errors.Is(err, domain.ErrUserNotFound) {
		t.Fatalf("err = %v, want ErrUserNotFound", err)
	}
	var n int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM erasure_outbox").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d outbox records (%v) for a user that was not there", n, err)
	}
}
