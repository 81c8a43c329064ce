package sqsqueue

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// backoff spaces out calls to a queue that keeps failing, for all the
// receivers of a consumer together: the delay doubles with each failure up
// to a cap, and each wait is jittered (between half and all of the delay)
// so that many workers restarted together do not retry in step. One
// success resets it.
type backoff struct {
	min, max time.Duration

	mu    sync.Mutex
	delay time.Duration // the next failure's delay; 0 while healthy
	until time.Time     // no call before this
}

// wait blocks until the backoff allows a call or ctx ends; it reports
// whether the call may go ahead.
func (b *backoff) wait(ctx context.Context) bool {
	b.mu.Lock()
	d := time.Until(b.until)
	b.mu.Unlock()
	if d <= 0 {
		return true
	}
	return sleep(ctx, d)
}

// failed records a failure and returns how long calls now pause.
func (b *backoff) failed() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if time.Now().Before(b.until) {
		// Another receiver has already backed off for this outage.
		return time.Until(b.until)
	}
	b.delay = min(max(2*b.delay, b.min), b.max)
	pause := b.delay/2 + rand.N(b.delay/2+1)
	b.until = time.Now().Add(pause)
	return pause
}

// succeeded resets the backoff.
func (b *backoff) succeeded() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.delay, b.until = 0, time.Time{}
}
