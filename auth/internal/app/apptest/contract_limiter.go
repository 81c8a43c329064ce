package apptest

import (
	"context"
	"testing"
	"time"

	"prana/auth/internal/app"
)

// RunRateLimiterContract checks what the app relies on of an
// app.RateLimiter: a window lets Max attempts through per key and then
// says when to retry; limits and keys count apart; Max 0 is no limit;
// attempts stop at the first exhausted limit, those before it counting,
// those after not; a window ends. newLimiter returns a limiter with no
// counts of the test's own.
func RunRateLimiterContract(t *testing.T, newLimiter func(t *testing.T) app.RateLimiter) {
	t.Helper()
	ctx := context.Background()
	take := func(t *testing.T, l app.RateLimiter, hits ...app.LimitHit) (bool, time.Duration) {
		t.Helper()
		ok, retry, err := l.Take(ctx, hits...)
		if err != nil {
			t.Fatalf("Take: %v", err)
		}
		return ok, retry
	}
	hit := func(name string, limit int, per time.Duration, key string) app.LimitHit {
		return app.LimitHit{Limit: app.Limit{Name: name, Max: limit, Per: per}, Key: key}
	}

	t.Run("AWindowLetsMaxThrough", func(t *testing.T) {
		t.Parallel()
		l := newLimiter(t)
		h := hit("ip", 3, time.Minute, "192.0.2.1")
		for i := range 3 {
			if ok, _ := take(t, l, h); !ok {
				t.Fatalf("attempt %d refused", i+1)
			}
		}
		ok, retry := take(t, l, h)
		if ok || retry <= 0 || retry > time.Minute {
			t.Errorf("attempt 4: ok %v, retry after %v; want refused within the minute", ok, retry)
		}
		if ok, _ := take(t, l, hit("ip", 3, time.Minute, "192.0.2.2")); !ok {
			t.Error("another key was refused")
		}
		if ok, _ := take(t, l, hit("email", 3, time.Minute, "192.0.2.1")); !ok {
			t.Error("another limit with the same key was refused")
		}
	})

	t.Run("MaxZeroIsNoLimit", func(t *testing.T) {
		t.Parallel()
		l := newLimiter(t)
		for i := range 10 {
			if ok, _ := take(t, l, hit("off", 0, time.Minute, "x")); !ok {
				t.Fatalf("attempt %d refused by a limit of 0", i+1)
			}
		}
		if ok, _ := take(t, l); !ok {
			t.Error("no limits at all refused")
		}
	})

	t.Run("AttemptsStopAtTheFirstExhaustedLimit", func(t *testing.T) {
		t.Parallel()
		l := newLimiter(t)
		pair, email := hit("pair", 2, time.Minute, "ip victim"), hit("email", 3, time.Minute, "victim")
		for i := range 5 {
			if ok, _ := take(t, l, pair, email); ok != (i < 2) {
				t.Fatalf("attempt %d: ok %v", i+1, ok)
			}
		}
		// The email limit counted only the 2 attempts let through.
		other := hit("pair", 2, time.Minute, "other-ip victim")
		if ok, _ := take(t, l, other, email); !ok {
			t.Fatal("the limit after the exhausted one counted refused attempts")
		}
		if ok, _ := take(t, l, other, email); ok {
			t.Fatal("the email limit let a fourth attempt through")
		}
		// A refusal by a later limit still counts against the earlier ones.
		wide, narrow := hit("wide", 3, time.Minute, "k"), hit("narrow", 1, time.Minute, "k")
		take(t, l, wide, narrow)
		if ok, _ := take(t, l, wide, narrow); ok {
			t.Fatal("the narrow limit let a second attempt through")
		}
		if ok, _ := take(t, l, wide); !ok {
			t.Fatal("the wide limit refused its third attempt")
		}
		if ok, _ := take(t, l, wide); ok {
			t.Error("the wide limit did not count the attempt the narrow one refused")
		}
	})

	t.Run("AWindowEnds", func(t *testing.T) {
		t.Parallel()
		l := newLimiter(t)
		h := hit("short", 1, time.Second, "k")
		take(t, l, h)
		ok, retry := take(t, l, h)
		if ok || retry <= 0 || retry > time.Second {
			t.Fatalf("second attempt: ok %v, retry after %v", ok, retry)
		}
		time.Sleep(retry + 100*time.Millisecond)
		if ok, _ := take(t, l, h); !ok {
			t.Error("refused after the retry time passed")
		}
	})
}
