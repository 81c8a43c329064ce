package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"prana/auth/internal/adapters/argon2hash"
	"prana/auth/internal/adapters/httpapi"
	"prana/auth/internal/adapters/jwtissuer"
	"prana/auth/internal/adapters/postgres"
	"prana/auth/internal/adapters/sqserasure"
	"prana/auth/internal/app"
	"prana/auth/internal/config"
	"prana/shared/awsconfig"
	"prana/shared/health"
	"prana/shared/httpserver"
	"prana/shared/jwtverify"
	"prana/shared/metricsserver"
	"prana/shared/periodic"
)

// run wires the adapters to the core and serves until ctx is done. ready,
// when not nil, learns the listening address (tests listen on port 0).
func run(ctx context.Context, cfg config.Config, log *slog.Logger, ready func(net.Addr)) error {
	start := time.Now()
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	if cfg.AutoMigrate {
		if err := postgres.Migrate(ctx, pool, log); err != nil {
			return err
		}
	}
	issuer, err := newIssuer(ctx, cfg, pool, log)
	if err != nil {
		return err
	}
	verifier, err := jwtverify.New(ctx, jwtverify.Config{
		Algorithm: cfg.Algorithm, Secret: []byte(cfg.SecretKey), KeysFunc: issuer.PublicKeys,
		Issuer: cfg.Issuer, Audience: cfg.Audience, Leeway: jwtverify.DefaultLeeway,
	})
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gate := hashGate(cfg, reg)
	store := postgres.NewStore(pool)
	hasher := argon2hash.New(hashParams(cfg), gate)
	svc := app.New(app.Deps{
		Users: store, Hasher: hasher, Tokens: issuer,
		Limiter: postgres.NewLimiter(pool, cfg.RateLimitMaxWait), Sessions: store,
		Limits: loginLimits(cfg), Signup: signupLimits(cfg), Policy: sessionPolicy(cfg), Log: log,
		Decoys: hasher, Census: store,
	})
	followHashCensus(ctx, svc, log)
	go postgres.SweepRateLimits(ctx, pool, time.Minute, func(err error) {
		log.Warn("rate limits: sweeping ended windows failed", "err", err)
	})
	relay, err := erasureRelay(ctx, cfg, store, log)
	if err != nil {
		return err
	}
	go relay.Run(ctx, cfg.ErasureRelayInterval)
	go store.SweepSessions(ctx, time.Minute, sweepHorizon(cfg), func(err error) {
		log.Warn("sessions: sweeping ended sessions failed", "err", err)
	})
	resolver, err := cfg.ClientIP()
	if err != nil {
		return err
	}
	h, err := httpapi.NewHandler(httpapi.Deps{
		Service: svc, Verifier: verifier, Keys: issuer.PublicKeys, JWKSMaxAge: cfg.JWKSMaxAge,
		Ready:    health.Checks{"postgres": store.Ping}.Cached(health.CacheTTL),
		Registry: reg, Log: log, ClientIP: resolver,
	})
	if err != nil {
		return err
	}
	h, stop, err := metricsserver.Move(cfg.MetricsAddr, h, reg, log)
	if err != nil {
		return err
	}
	defer stop()
	srv := httpserver.New(cfg.Addr, h, log, cfg.HTTP)
	return httpserver.Run(ctx, srv, log, func(a net.Addr) {
		log.Info("auth ready", "addr", a.String(), "startup", time.Since(start).String(), "algorithm", cfg.Algorithm)
		if ready != nil {
			ready(a)
		}
	})
}

// hashCensusInterval is how often failed logins' decoys are matched to the
// hash parameters in the users table again: upgrades of seed hashes happen
// one login at a time, and until the last one a failed login costs one
// verification per parameter set (app/decoys.go).
const hashCensusInterval = 5 * time.Minute

// followHashCensus reads the hash parameters in use now, then every
// hashCensusInterval. A failed read keeps the previous set: logins also
// add any parameters they meet.
func followHashCensus(ctx context.Context, svc *app.Service, log *slog.Logger) {
	refresh := func(ctx context.Context) {
		if err := svc.RefreshHashCensus(ctx); err != nil {
			log.Warn("password hash census failed; keeping the previous decoys", "err", err)
		}
	}
	refresh(ctx)
	go periodic.Run(ctx, hashCensusInterval, refresh)
}

func openPool(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	pcfg, err := pgxpool.ParseConfig(cfg.PostgresURL())
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	// Fail fast when the database is down instead of hanging requests.
	pcfg.ConnConfig.ConnectTimeout = 3 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return pool, nil
}

// newIssuer signs with SECRET_KEY (HS256) or with the key ring every
// replica shares (EdDSA), which it keeps current in the background.
func newIssuer(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, log *slog.Logger) (*jwtissuer.Issuer, error) {
	ic := jwtissuer.Config{
		Algorithm: cfg.Algorithm, Secret: []byte(cfg.SecretKey),
		Issuer: cfg.Issuer, Audience: cfg.Audience, TTL: cfg.TokenTTL(),
	}
	if cfg.Algorithm == "EdDSA" {
		ring, err := startKeyRing(ctx, cfg, pool, log)
		if err != nil {
			return nil, err
		}
		go ring.Run(ctx, cfg.KeyRefreshInterval)
		ic.Keys = ring
	}
	return jwtissuer.New(ic)
}

// loginLimits are the login limits per minute.
func loginLimits(cfg config.Config) app.LoginLimits {
	return app.LoginLimits{
		PerIP:      app.Limit{Name: "login/ip", Max: cfg.LoginPerIPPerMinute, Per: time.Minute},
		PerIPEmail: app.Limit{Name: "login/ip+email", Max: cfg.LoginPerIPEmailPerMinute, Per: time.Minute},
		PerEmail:   app.Limit{Name: "login/email", Max: cfg.LoginPerEmailPerMinute, Per: time.Minute},
	}
}

// signupLimits are the signup limits per minute.
func signupLimits(cfg config.Config) app.SignupLimits {
	return app.SignupLimits{
		PerIP:    app.Limit{Name: "signup/ip", Max: cfg.SignupPerIPPerMinute, Per: time.Minute},
		PerRange: app.Limit{Name: "signup/range", Max: cfg.SignupPerRangePerMinute, Per: time.Minute},
		PerEmail: app.Limit{Name: "signup/email", Max: cfg.SignupPerEmailPerMinute, Per: time.Minute},
	}
}

// erasureRelay sends the erasures deleted accounts leave in the outbox to
// the pdf worker's queue. The SQS client connects lazily: auth starts and
// serves while SQS is down, and the outbox keeps what it cannot send.
func erasureRelay(ctx context.Context, cfg config.Config, store *postgres.Store, log *slog.Logger) (app.ErasureRelay, error) {
	awsCfg, err := awsconfig.Load(ctx, cfg.AWS())
	if err != nil {
		return app.ErasureRelay{}, fmt.Errorf("AWS_*: %w", err)
	}
	pub := sqserasure.New(awsconfig.NewSQS(awsCfg, cfg.AWS()), cfg.QueueName)
	return app.ErasureRelay{Outbox: store, Publisher: pub, Log: log}, nil
}

// sessionPolicy is how long sessions live, and when an erasure is repeated:
// once the last access token issued before it has expired.
func sessionPolicy(cfg config.Config) app.SessionPolicy {
	return app.SessionPolicy{
		TTL: cfg.RefreshTokenTTL, IdleTimeout: cfg.RefreshIdleTimeout, ReuseInterval: cfg.RefreshReuseInterval,
		ErasureRepeat: cfg.TokenTTL() + jwtverify.DefaultLeeway + cfg.KeyClockSkew,
	}
}

// sweepHorizon is what the session sweep deletes: families past their
// lifetime or idle timeout, revoked ones after a day (kept that long for
// the logs' sake), and sealed successors past the reuse interval.
func sweepHorizon(cfg config.Config) postgres.SessionHorizon {
	return postgres.SessionHorizon{
		TTL: cfg.RefreshTokenTTL, Idle: cfg.RefreshIdleTimeout, Revoked: 24 * time.Hour, Reuse: cfg.RefreshReuseInterval,
	}
}

func hashParams(cfg config.Config) argon2hash.Params {
	p := argon2hash.DefaultParams
	p.MemoryKiB, p.Iterations, p.Parallelism = cfg.Argon2MemoryKiB, cfg.Argon2Iterations, cfg.Argon2Parallelism
	return p
}

// hashGate bounds concurrent hashing, by count and by memory, and exports
// the queue depth.
func hashGate(cfg config.Config, reg prometheus.Registerer) *argon2hash.Gate {
	g := argon2hash.NewGate(cfg.HashSlots(), cfg.HashQueue, cfg.HashMaxWait)
	// The memory bound keeps the peak at the configured concurrency by
	// itself. A soft memory limit (budget + 96 MiB) was tried and left out:
	// it did not lower that peak (225 MiB either way at the seed's costs),
	// and at the defaults it sits below a 1,000-login flood's heap, where the
	// collector it set off served 3 logins against 49 without it.
	g.BoundMemory(cfg.HashMemoryBudget())
	// Each hash allocates its whole memory cost (19 MiB at the defaults, 100
	// MiB at the seed's), which the runtime would keep as idle heap for
	// minutes after a burst of logins. Handing it back once hashing stops
	// brings an idle service back to its start-up footprint.
	g.OnIdle(3*time.Second, debug.FreeOSMemory)
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "auth_password_hash_queue_depth", Help: "Password hashes waiting for a slot."},
			func() float64 { return float64(g.Waiting()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "auth_password_hash_running", Help: "Password hashes in progress."},
			func() float64 { return float64(g.Running()) }),
	)
	return g
}
