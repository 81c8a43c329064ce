package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"prana/devstack/loadgen"
	"prana/devstack/stack"
)

// signupFloodWorkers is the attack of issue 15's review: 100 connections of new signups.
const signupFloodWorkers = 100

// loginP99Max is how long a correct login may take during a signup flood: "a few seconds" at most.
const loginP99Max = 3 * time.Second

// signupFlood floods auth (default hash parameters, every limit off: the flood stands for an attacker with more
// addresses than the limits can tell apart) with signups for 10 s while one real user logs in again and again,
// one login at a time, and reports the logins' latency and answers beside the flood's.
func (b *bench) signupFlood(ctx context.Context) (figure, error) {
	b.step("login during a signup flood, c=%d, for %s", signupFloodWorkers, 2*b.set.duration)
	f := figure{
		Name:    fmt.Sprintf("login p50/p99 during a signup flood (%d connections of new signups, default hash parameters, signup limits off)", signupFloodWorkers),
		Target:  "every login 200, p99 ≤ 3 s",
		Seed:    "issue 15's review: 5 of 8 logins 503 (one shared hashing queue)",
		Command: rerun + "flood",
	}
	if _, err := b.sys.StartAuth(ctx, stack.NoAuthLimits...); err != nil {
		return f, err
	}
	if err := b.signupGroup(ctx, "victim", 1); err != nil {
		return f, err
	}
	var (
		logins = &loadgen.Result{Statuses: map[int]uint64{}}
		wg     sync.WaitGroup
		flood  *loadgen.Result
		err    error
	)
	floodCtx, stop := context.WithCancel(ctx)
	wg.Go(func() {
		defer stop()
		flood, err = loadgen.Run(floodCtx, loadgen.Config{Workers: signupFloodWorkers, Duration: 2 * b.set.duration,
			Warmup: b.set.warmup, Timeout: time.Minute}, b.signupRequests("flood"))
	})
	b.loginUntil(floodCtx, logins)
	wg.Wait()
	if err != nil {
		return f, err
	}
	p50, p99 := logins.Latency.Quantile(0.5), logins.Latency.Quantile(0.99)
	f.Value = fmt.Sprintf("login p50 %s ms, p99 %s ms (%d logins, answers %s, %d errors); the flood: %s req/s, answers %s, %d errors",
		ms(p50.Seconds()), ms(p99.Seconds()), logins.Answered(), statusList(logins.Statuses), logins.Errors,
		num(flood.Rate()), statusList(flood.Statuses), flood.Errors)
	judge(&f, statusCheck([]*loadgen.Result{logins}, http.StatusOK), 0, 0, p99.Seconds(), loginP99Max.Seconds(), 0)
	return f, nil
}

// loginUntil logs the victim in, one login after another, until ctx ends (the flood is over), recording each
// answer after the flood's warm-up.
func (b *bench) loginUntil(ctx context.Context, out *loadgen.Result) {
	client := loadgen.NewClient(1, time.Minute)
	defer client.CloseIdleConnections()
	countFrom := time.Now().Add(b.set.warmup)
	for ctx.Err() == nil {
		req, err := newRequest(http.MethodPost, b.sys.AuthURL+"/api/auth/login", "", bytes.NewReader(loginBody(email("victim", 0))))
		if err != nil {
			out.Errors++
			return
		}
		start := time.Now()
		status, err := loadgen.Do(client, req.WithContext(ctx))
		if ctx.Err() != nil || start.Before(countFrom) {
			continue // cut short by the flood's end, or still warming up
		}
		if err != nil {
			out.Errors++
			out.FirstErr = cmp.Or(out.FirstErr, err)
			continue
		}
		out.Latency.Record(time.Since(start))
		out.Statuses[status]++
	}
}
