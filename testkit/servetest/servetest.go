// Package servetest runs a service's real run function in the background
// of a test, waits until it listens, and stops it. Test-support only.
package servetest

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"
)

// Run is a service's run function with its configuration and logger bound:
// it serves until ctx ends and reports its address through ready.
type Run func(ctx context.Context, ready func(net.Addr)) error

// Launch calls run in the background and waits until it listens. stop
// cancels it and waits for it to return; it may be called more than once.
func Launch(run Run) (addr net.Addr, stop func() error, err error) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(a net.Addr) { ready <- a }) }()
	select {
	case addr := <-ready:
		var once sync.Once
		var runErr error
		stop := func() error {
			once.Do(func() {
				cancel()
				select {
				case runErr = <-done:
				case <-time.After(30 * time.Second):
					runErr = fmt.Errorf("run did not return within 30s of cancellation")
				}
			})
			return runErr
		}
		return addr, stop, nil
	case err := <-done:
		cancel()
		if err == nil {
			err = fmt.Errorf("run returned before it was ready")
		}
		return nil, nil, err
	case <-time.After(time.Minute):
		cancel()
		return nil, nil, fmt.Errorf("not ready within a minute")
	}
}
