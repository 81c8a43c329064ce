package health_test

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"prana/shared/health"
)

func ok(context.Context) error   { return nil }
func fail(context.Context) error { return errors.New("connection refused") }

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		checks health.Checks
		want   map[string]string
		wantOK bool
	}{
		{"none", health.Checks{}, map[string]string{}, true},
		{"all ok", health.Checks{"postgres": ok, "s3": ok},
			map[string]string{"postgres": "ok", "s3": "ok"}, true},
		{"one failing", health.Checks{"sqs": ok, "s3": fail, "token_keys": ok},
			map[string]string{"sqs": "ok", "s3": "unavailable", "token_keys": "ok"}, false},
		{"all failing", health.Checks{"sqs": fail, "s3": fail},
			map[string]string{"sqs": "unavailable", "s3": "unavailable"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, gotOK := tt.checks.Run(context.Background())
			if !maps.Equal(got, tt.want) || gotOK != tt.wantOK {
				t.Errorf("Run = %v, %v; want %v, %v", got, gotOK, tt.want, tt.wantOK)
			}
		})
	}
}

// One failure makes the whole result false whatever order the checks
// finish in; here the failing one finishes first.
func TestRunFailureFirst(t *testing.T) {
	t.Parallel()
	failed := make(chan struct{})
	late := func(ctx context.Context) error {
		<-failed
		time.Sleep(20 * time.Millisecond) // let the failure be recorded first
		return nil
	}
	got, gotOK := health.Checks{
		"a": late, "b": late, "c": late,
		"broken": func(context.Context) error { defer close(failed); return errors.New("down") },
	}.Run(context.Background())
	if gotOK || got["broken"] != "unavailable" || got["a"] != "ok" {
		t.Errorf("Run = %v, %v; want broken unavailable, the rest ok, false", got, gotOK)
	}
}

// The checks run concurrently: two that each wait for the other finish.
func TestRunConcurrent(t *testing.T) {
	t.Parallel()
	a, b := make(chan struct{}), make(chan struct{})
	meet := func(mine, theirs chan struct{}) func(context.Context) error {
		return func(ctx context.Context) error {
			close(mine)
			select {
			case <-theirs:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	got, gotOK := health.Checks{"a": meet(a, b), "b": meet(b, a)}.Run(context.Background())
	if !gotOK {
		t.Errorf("Run = %v, false; the checks did not run concurrently", got)
	}
}

// A hung dependency is cut off at Timeout and reported unavailable, while
// the others still report.
func TestRunHungCheck(t *testing.T) {
	t.Parallel()
	deadlines := make(chan time.Time, 1)
	hung := func(ctx context.Context) error {
		d, _ := ctx.Deadline()
		deadlines <- d
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(3 * health.Timeout):
			return nil
		}
	}
	start := time.Now()
	got, gotOK := health.Checks{"hung": hung, "fine": ok}.Run(context.Background())
	elapsed := time.Since(start)

	if gotOK || got["hung"] != "unavailable" || got["fine"] != "ok" {
		t.Errorf("Run = %v, %v; want hung unavailable, fine ok, false", got, gotOK)
	}
	deadline := <-deadlines
	if deadline.IsZero() || deadline.After(start.Add(health.Timeout+100*time.Millisecond)) {
		t.Errorf("check deadline %v after start, want about %v", deadline.Sub(start), health.Timeout)
	}
	if elapsed > health.Timeout+time.Second {
		t.Errorf("Run took %v, want about %v", elapsed, health.Timeout)
	}
}

// A caller's earlier deadline (the probe's own timeout) wins over Timeout.
func TestRunHonoursCallerContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	got, gotOK := health.Checks{"hung": func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}}.Run(ctx)
	if gotOK || got["hung"] != "unavailable" {
		t.Errorf("Run = %v, %v; want hung unavailable", got, gotOK)
	}
	if elapsed := time.Since(start); elapsed > health.Timeout/2 {
		t.Errorf("Run took %v, ignoring the caller's 50ms deadline", elapsed)
	}
}
