package apptest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// RunErasureOutboxContract checks what the erasure relay relies on of an
// app.ErasureOutbox, filled by SessionStore.EraseUser: what is due is sent
// once and then gone; what is not due yet waits; a failed send is kept and
// comes back after the backoff it asked for, with its attempts counted; a
// batch is at most limit. newStores returns empty stores of the test's own.
func RunErasureOutboxContract(t *testing.T, newStores func(t *testing.T) Stores) {
	t.Helper()
	ctx := context.Background()
	erase := func(t *testing.T, s Stores, email string, due ...time.Time) string {
		t.Helper()
		u, err := s.Users.CreateUser(ctx, NewUser(email))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Sessions.EraseUser(ctx, u.ID, due); err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	relay := func(t *testing.T, s Stores, limit int, fail error, retry func(int) time.Duration) (sent []string, failed int) {
		t.Helper()
		ok, failed, err := s.Outbox.RelayDue(ctx, limit, func(_ context.Context, id string) error {
			if fail != nil {
				return fail
			}
			sent = append(sent, id)
			return nil
		}, retry)
		if err != nil {
			t.Fatalf("RelayDue: %v", err)
		}
		if ok != len(sent) {
			t.Errorf("RelayDue says %d sent, send was called for %d", ok, len(sent))
		}
		return sent, failed
	}
	hour := func(int) time.Duration { return time.Hour }
	past := func() time.Time { return time.Now().Add(-time.Minute) }

	t.Run("WhatIsDueIsSentOnce", func(t *testing.T) {
		t.Parallel()
		s := newStores(t)
		id := erase(t, s, "due@example.com", past(), time.Now().Add(time.Hour))
		if sent, failed := relay(t, s, 10, nil, hour); !slices.Equal(sent, []string{id}) || failed != 0 {
			t.Fatalf("first relay: sent %v, %d failed; want the due erasure of %s", sent, failed, id)
		}
		if sent, failed := relay(t, s, 10, nil, hour); len(sent) != 0 || failed != 0 {
			t.Errorf("second relay: sent %v, %d failed; want nothing (the later one is not due)", sent, failed)
		}
	})

	t.Run("AFailedSendIsKeptAndRetried", func(t *testing.T) {
		t.Parallel()
		s := newStores(t)
		id := erase(t, s, "retry@example.com", past())
		var attempts []int
		now := func(n int) time.Duration { attempts = append(attempts, n); return 0 }
		down := errors.New("queue down")
		for i := range 2 {
			if sent, failed := relay(t, s, 10, down, now); len(sent) != 0 || failed != 1 {
				t.Fatalf("failing relay %d: sent %v, %d failed; want 1 failed", i+1, sent, failed)
			}
		}
		if !slices.Equal(attempts, []int{0, 1}) {
			t.Errorf("retry asked with attempts %v, want [0 1]", attempts)
		}
		if sent, _ := relay(t, s, 10, nil, hour); !slices.Equal(sent, []string{id}) {
			t.Errorf("after recovery: sent %v, want %s", sent, id)
		}
		if sent, _ := relay(t, s, 10, nil, hour); len(sent) != 0 {
			t.Errorf("after it was sent: sent %v again", sent)
		}
	})

	t.Run("AFailedSendWaitsForItsBackoff", func(t *testing.T) {
		t.Parallel()
		s := newStores(t)
		erase(t, s, "backoff@example.com", past())
		if _, failed := relay(t, s, 10, errors.New("queue down"), hour); failed != 1 {
			t.Fatalf("%d failed, want 1", failed)
		}
		if sent, failed := relay(t, s, 10, nil, hour); len(sent) != 0 || failed != 0 {
			t.Errorf("during the backoff: sent %v, %d failed; want nothing", sent, failed)
		}
	})

	t.Run("ABatchIsAtMostLimit", func(t *testing.T) {
		t.Parallel()
		s := newStores(t)
		var ids []string
		for _, e := range []string{"b1@example.com", "b2@example.com", "b3@example.com"} {
			ids = append(ids, erase(t, s, e, past()))
		}
		first, _ := relay(t, s, 2, nil, hour)
		second, _ := relay(t, s, 2, nil, hour)
		all := append(first, second...)
		slices.Sort(all)
		slices.Sort(ids)
		if len(first) != 2 || !slices.Equal(all, ids) {
			t.Errorf("batches %v then %v, want 2 then the last of %v", first, second, ids)
		}
	})
}
