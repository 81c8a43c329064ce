package app

import (
	"context"
	"log/slog"
	"time"

	"prana/shared/periodic"
)

// ErasureOutbox holds the erasures recorded with each account deletion
// until they have been handed on.
type ErasureOutbox interface {
	// RelayDue passes each erasure that is due (at most limit) to send,
	// while holding it so that no other relay takes it meanwhile. A sent
	// erasure is removed; a failed one is kept and becomes due again after
	// retry(attempts so far).
	RelayDue(ctx context.Context, limit int, send func(ctx context.Context, userID string) error,
		retry func(attempts int) time.Duration) (sent, failed int, err error)
}

// ErasurePublisher hands an erasure to whoever erases the user's files
// (the pdf worker, through its queue). Sending one twice is harmless:
// deleting what is gone is a no-op.
type ErasurePublisher interface {
	PublishErasure(ctx context.Context, userID string) error
}

// ErasureRelay sends the recorded erasures on. Every replica runs one; the
// outbox makes sure each erasure is sent by one at a time, and none is lost
// to a crash or an outage: it stays recorded until it has been sent.
type ErasureRelay struct {
	Outbox    ErasureOutbox
	Publisher ErasurePublisher
	Log       *slog.Logger
}

// Run relays every interval until ctx ends.
func (r ErasureRelay) Run(ctx context.Context, interval time.Duration) {
	periodic.Run(ctx, interval, r.RelayOnce)
}

// RelayOnce sends what is due now, in batches, until nothing is.
func (r ErasureRelay) RelayOnce(ctx context.Context) {
	for {
		sent, failed, err := r.Outbox.RelayDue(ctx, 50, r.Publisher.PublishErasure, erasureBackoff)
		if err != nil {
			if ctx.Err() == nil {
				r.Log.Warn("erasure relay: outbox unavailable", "err", err)
			}
			return
		}
		if failed > 0 {
			r.Log.Warn("erasure relay: some erasures could not be sent; they will be retried", "failed", failed)
		}
		if sent < 50 || failed > 0 {
			return
		}
	}
}

// erasureBackoff doubles from 2 s to at most 5 min.
func erasureBackoff(attempts int) time.Duration {
	d := 2 * time.Second
	for range min(attempts, 10) {
		d *= 2
	}
	return min(d, 5*time.Minute)
}
