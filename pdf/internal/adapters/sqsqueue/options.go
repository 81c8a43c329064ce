package sqsqueue

import (
	"runtime"
	"time"
)

// ConsumerOptions configure a Consumer. Zero values take the defaults.
type ConsumerOptions struct {
	// Concurrency is how many messages are held and handled at once;
	// default 4 × runtime.NumCPU(): a handler spends much of its time
	// waiting on S3, so more handlers than CPUs keep the CPUs busy.
	Concurrency int
	// Receivers is how many long polls run at once; default 2, so that
	// one's round trip never leaves free handlers waiting.
	Receivers int
	// MinBackoff and MaxBackoff bound the pause after a failed receive:
	// it doubles from MinBackoff up to MaxBackoff, jittered; defaults 1 s
	// and 30 s.
	MinBackoff, MaxBackoff time.Duration
	// WaitTime is the long poll, in whole seconds from 1 to 20; default 20 s.
	WaitTime time.Duration
	// VisibilityTimeout is asked for on every receive and renewed every
	// half of it while a handler runs; default 60 s.
	VisibilityTimeout time.Duration
	// MaxReceiveCount must match the queue's redrive policy; default 5.
	MaxReceiveCount int
	DrainTimeout    time.Duration // default 30 s
	// RetryDelay, when set, is how soon a failed message comes back;
	// otherwise it comes back after the visibility timeout.
	RetryDelay time.Duration
	// DeadLetterURL is where malformed messages go; by default it is read
	// from the queue's redrive policy.
	DeadLetterURL string
}

const (
	maxBatch            = 10 // SQS's limit per ReceiveMessage
	defaultWaitTime     = 20 * time.Second
	defaultDrainTimeout = 30 * time.Second
	defaultReceivers    = 2
	defaultMinBackoff   = time.Second
	// DefaultMaxBackoff caps the pause between receives from a queue that
	// keeps failing.
	DefaultMaxBackoff = 30 * time.Second
	// drainGrace is how long Run still waits for handlers it has just
	// cancelled at the end of the drain timeout.
	drainGrace = 5 * time.Second
)

// DefaultConcurrency is the handlers a consumer runs when not told.
func DefaultConcurrency() int { return 4 * runtime.NumCPU() }

func (o ConsumerOptions) withDefaults() ConsumerOptions {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency()
	}
	if o.Receivers <= 0 {
		o.Receivers = defaultReceivers
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = defaultMinBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	o.MaxBackoff = max(o.MaxBackoff, o.MinBackoff)
	if o.WaitTime <= 0 || o.WaitTime > defaultWaitTime {
		o.WaitTime = defaultWaitTime
	}
	// SQS counts in whole seconds.
	o.WaitTime = max(o.WaitTime.Truncate(time.Second), time.Second)
	if o.VisibilityTimeout <= 0 {
		o.VisibilityTimeout = DefaultVisibilityTimeout
	}
	o.VisibilityTimeout = max(o.VisibilityTimeout.Truncate(time.Second), time.Second)
	if o.MaxReceiveCount <= 0 {
		o.MaxReceiveCount = DefaultMaxReceiveCount
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = defaultDrainTimeout
	}
	return o
}
