package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/app"
)

// BenchmarkLoginLimits is what the shared login limits add to a login: one
// round trip counting the three limits in PostgreSQL. It reports the p50
// and p99 of one count, with each attempt from its own address (the
// common case) and with every attempt on one address and email (the rows
// contended, as in a flood).
func BenchmarkLoginLimits(b *testing.B) {
	_, pool := newStore(b)
	l := postgres.NewLimiter(pool, time.Second)
	limits := app.LoginLimits{
		PerIP:      app.Limit{Name: "login/ip", Max: 1 << 30, Per: time.Minute},
		PerIPEmail: app.Limit{Name: "login/ip+email", Max: 1 << 30, Per: time.Minute},
		PerEmail:   app.Limit{Name: "login/email", Max: 1 << 30, Per: time.Minute},
	}
	for _, contended := range []bool{false, true} {
		name := "distinct-keys"
		if contended {
			name = "one-key-parallel"
		}
		b.Run(name, func(b *testing.B) {
			var (
				mu  sync.Mutex
				lat []time.Duration
			)
			take := func(ip string) {
				start := time.Now()
				_, _, err := l.Take(context.Background(),
					app.LimitHit{Limit: limits.PerIP, Key: ip},
					app.LimitHit{Limit: limits.PerIPEmail, Key: ip + " user@example.com"},
					app.LimitHit{Limit: limits.PerEmail, Key: "user@example.com"})
				if err != nil {
					b.Error(err)
				}
				mu.Lock()
				lat = append(lat, time.Since(start))
				mu.Unlock()
			}
			if contended {
				b.SetParallelism(4)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						take("198.51.100.1")
					}
				})
			} else {
				for i := 0; b.Loop(); i++ {
					take(fmt.Sprintf("198.51.100.%d/%d", i%250, i))
				}
			}
			reportPercentiles(b, lat)
		})
	}
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}
