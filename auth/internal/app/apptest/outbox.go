package apptest

import (
	"context"
	"sort"
	"sync"
	"time"

	"prana/auth/internal/app"
)

// Erasure is one erasure an Outbox holds.
type Erasure struct {
	UserID   string
	Due      time.Time
	Attempts int
}

// Outbox is an in-memory app.ErasureOutbox, filled by Sessions.EraseUser
// (or Record). Its clock is Now, time.Now when nil.
type Outbox struct {
	Now func() time.Time

	mu       sync.Mutex
	erasures []*Erasure
	recorded []Erasure
}

// NewOutbox returns an empty Outbox on the real clock.
func NewOutbox() *Outbox { return &Outbox{} }

func (o *Outbox) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Record adds an erasure of userID due at due.
func (o *Outbox) Record(userID string, due time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.erasures = append(o.erasures, &Erasure{UserID: userID, Due: due})
	o.recorded = append(o.recorded, Erasure{UserID: userID, Due: due})
}

// Recorded lists every erasure ever recorded, sent or not, in order.
func (o *Outbox) Recorded() []Erasure {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Erasure(nil), o.recorded...)
}

// Held lists the erasures not sent yet.
func (o *Outbox) Held() []Erasure {
	o.mu.Lock()
	defer o.mu.Unlock()
	held := make([]Erasure, 0, len(o.erasures))
	for _, e := range o.erasures {
		held = append(held, *e)
	}
	return held
}

// RelayDue sends up to limit erasures that are due, earliest first; a
// sent one is removed, a failed one comes due again after retry(attempts).
// The lock is held throughout, as the real store's row locks are.
func (o *Outbox) RelayDue(ctx context.Context, limit int, send func(context.Context, string) error,
	retry func(int) time.Duration) (sent, failed int, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	var due []*Erasure
	for _, e := range o.erasures {
		if !e.Due.After(now) {
			due = append(due, e)
		}
	}
	sort.SliceStable(due, func(i, j int) bool { return due[i].Due.Before(due[j].Due) })
	if len(due) > limit {
		due = due[:limit]
	}
	gone := map[*Erasure]bool{}
	for _, e := range due {
		if err := send(ctx, e.UserID); err != nil {
			failed++
			e.Due = now.Add(retry(e.Attempts))
			e.Attempts++
			continue
		}
		sent++
		gone[e] = true
	}
	kept := o.erasures[:0]
	for _, e := range o.erasures {
		if !gone[e] {
			kept = append(kept, e)
		}
	}
	o.erasures = kept
	return sent, failed, nil
}

var _ app.ErasureOutbox = (*Outbox)(nil)
