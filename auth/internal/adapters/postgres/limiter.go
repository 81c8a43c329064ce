package postgres

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"prana/auth/internal/adapters/postgres/internal/sqlcdb"
	"prana/auth/internal/app"
	"prana/shared/periodic"
)

// Limiter counts attempts in fixed windows kept in PostgreSQL, so each
// limit holds for the whole service however many replicas count.
type Limiter struct {
	pool    *pgxpool.Pool
	maxWait time.Duration
}

// NewLimiter returns a Limiter on pool. A count that cannot get a
// connection and an answer within maxWait fails with app.ErrBusy rather
// than queue without bound.
func NewLimiter(pool *pgxpool.Pool, maxWait time.Duration) *Limiter {
	return &Limiter{pool: pool, maxWait: maxWait}
}

// Take counts one attempt against each limit, in one round trip.
func (l *Limiter) Take(ctx context.Context, hits ...app.LimitHit) (bool, time.Duration, error) {
	var p sqlcdb.TakeRateLimitHitsParams
	for _, h := range hits {
		if h.Limit.Max <= 0 {
			continue
		}
		p.Keys = append(p.Keys, hashKey(h))
		p.Maxes = append(p.Maxes, int32(min(h.Limit.Max, math.MaxInt32-1)))
		p.PersMs = append(p.PersMs, max(h.Limit.Per.Milliseconds(), 1))
	}
	if len(p.Keys) == 0 {
		return true, 0, nil
	}
	ctx, cancel := context.WithTimeout(ctx, l.maxWait)
	defer cancel()
	row, err := sqlcdb.New(l.pool).TakeRateLimitHits(ctx, p)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return false, 0, fmt.Errorf("rate limit: %w", app.ErrBusy)
		}
		return false, 0, wrap("rate limit", err)
	}
	if row.RefusedAt > 0 {
		return false, time.Duration(row.RetryAfterMs) * time.Millisecond, nil
	}
	return true, 0, nil
}

// hashKey keeps what is counted (addresses, emails) out of the table.
func hashKey(h app.LimitHit) []byte {
	d := sha256.New()
	d.Write([]byte(h.Limit.Name))
	d.Write([]byte{0})
	d.Write([]byte(h.Key))
	return d.Sum(nil)
}

// SweepRateLimits deletes ended windows, a bounded batch at a time, every
// interval until ctx ends. Each replica sweeps; a sweep that finds nothing
// costs one indexed query.
func SweepRateLimits(ctx context.Context, pool *pgxpool.Pool, interval time.Duration, onErr func(error)) {
	periodic.Run(ctx, interval, func(ctx context.Context) {
		for {
			n, err := sqlcdb.New(pool).DeleteExpiredRateLimitWindows(ctx, 1000)
			if err != nil && ctx.Err() == nil {
				onErr(err)
			}
			if err != nil || n < 1000 {
				return
			}
		}
	})
}

var _ app.RateLimiter = (*Limiter)(nil)
