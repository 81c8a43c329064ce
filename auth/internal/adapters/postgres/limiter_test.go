package postgres_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/app"
)

// TestLimiterHoldsAcrossReplicas: three limiters on one database, as three
// replicas would have, share one count: exactly the limit is allowed.
func TestLimiterHoldsAcrossReplicas(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	replicas := []*postgres.Limiter{
		postgres.NewLimiter(pool, time.Second), postgres.NewLimiter(pool, time.Second), postgres.NewLimiter(pool, time.Second),
	}
	perIP := app.Limit{Name: "login/ip", Max: 10, Per: time.Minute}
	var allowed, refused atomic.Int32
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, wait, err := replicas[i%3].Take(context.Background(), app.LimitHit{Limit: perIP, Key: "203.0.113.7"})
			switch {
			case err != nil:
				t.Error(err)
			case ok:
				allowed.Add(1)
			case wait <= 0 || wait > time.Minute:
				t.Errorf("refused with retry-after %v", wait)
			default:
				refused.Add(1)
			}
		}()
	}
	wg.Wait()
	if allowed.Load() != 10 || refused.Load() != 20 {
		t.Fatalf("allowed %d, refused %d; want 10 and 20", allowed.Load(), refused.Load())
	}
	// Another key and another limit of the same key are counted apart.
	if ok, _, _ := replicas[0].Take(t.Context(), app.LimitHit{Limit: perIP, Key: "203.0.113.8"}); !ok {
		t.Error("another address was refused")
	}
	other := app.Limit{Name: "login/email", Max: 10, Per: time.Minute}
	if ok, _, _ := replicas[1].Take(t.Context(), app.LimitHit{Limit: other, Key: "203.0.113.7"}); !ok {
		t.Error("another limit's count was shared")
	}
}

// TestLimiterStopsAtTheFirstLimitReached: a refused attempt is not counted
// by the limits after the one that refused it.
func TestLimiterStopsAtTheFirstLimitReached(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	l := postgres.NewLimiter(pool, time.Second)
	pair := app.LimitHit{Limit: app.Limit{Name: "pair", Max: 2, Per: time.Minute}, Key: "ip victim"}
	email := app.LimitHit{Limit: app.Limit{Name: "email", Max: 3, Per: time.Minute}, Key: "victim"}
	for i := range 5 {
		ok, wait, err := l.Take(t.Context(), pair, email)
		if err != nil || ok != (i < 2) || (!ok && (wait <= 0 || wait > time.Minute)) {
			t.Fatalf("attempt %d: ok %v, retry after %v, %v", i+1, ok, wait, err)
		}
	}
	// The email limit counted only the 2 attempts let through: one more
	// from another pair is allowed, the next refused.
	other := app.LimitHit{Limit: pair.Limit, Key: "other-ip victim"}
	if ok, _, _ := l.Take(t.Context(), other, email); !ok {
		t.Fatal("the email limit counted refused attempts")
	}
	if ok, _, _ := l.Take(t.Context(), other, email); ok {
		t.Fatal("the email limit let a fourth attempt through")
	}
	if ok, _, _ := l.Take(t.Context(), app.LimitHit{Limit: app.Limit{Name: "off", Max: 0}, Key: "x"}); !ok {
		t.Fatal("a limit of 0 refused")
	}
}

func TestLimiterWindowEndsAndIsSwept(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	l := postgres.NewLimiter(pool, time.Second)
	hit := app.LimitHit{Limit: app.Limit{Name: "login/ip", Max: 1, Per: 300 * time.Millisecond}, Key: "k"}
	if ok, _, _ := l.Take(t.Context(), hit); !ok {
		t.Fatal("first attempt refused")
	}
	if ok, _, _ := l.Take(t.Context(), hit); ok {
		t.Fatal("second attempt allowed")
	}
	time.Sleep(350 * time.Millisecond)
	if ok, _, _ := l.Take(t.Context(), hit); !ok {
		t.Fatal("attempt in a new window refused")
	}
	time.Sleep(350 * time.Millisecond)
	ctx, cancel := context.WithCancel(t.Context())
	go postgres.SweepRateLimits(ctx, pool, 20*time.Millisecond, func(err error) { t.Error(err) })
	deadline := time.Now().Add(5 * time.Second)
	for rows(t, pool) != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if n := rows(t, pool); n != 0 {
		t.Fatalf("%d ended windows left after sweeping", n)
	}
}

func TestLimiterStoresNoEmail(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	l := postgres.NewLimiter(pool, time.Second)
	if _, _, err := l.Take(t.Context(), app.LimitHit{Limit: app.Limit{Name: "login/email", Max: 5, Per: time.Minute}, Key: "victim@example.com"}); err != nil {
		t.Fatal(err)
	}
	var found bool
	if err := pool.QueryRow(t.Context(), "SELECT EXISTS (SELECT 1 FROM rate_limit_windows WHERE position('victim' in encode(key, 'escape')) > 0)").Scan(&found); err != nil || found {
		t.Fatalf("the email is stored in the limiter's table (%v)", err)
	}
}

// TestLimiterAnswersBusyWhenThePoolIsFull: a check that cannot get a
// connection in time fails with ErrBusy (503), promptly, never hangs.
func TestLimiterAnswersBusyWhenThePoolIsFull(t *testing.T) {
	t.Parallel()
	_, migrated := newStore(t)
	cfg := migrated.Config().Copy()
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	held, err := pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	l := postgres.NewLimiter(pool, 100*time.Millisecond)
	start := time.Now()
	_, _, err = l.Take(t.Context(), app.LimitHit{Limit: app.Limit{Name: "login/ip", Max: 5, Per: time.Minute}, Key: "k"})
	if !errors.Is(err, app.ErrBusy) {
		t.Fatalf("err = %v, want ErrBusy", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v to give up", d)
	}
}

func rows(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM rate_limit_windows").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
