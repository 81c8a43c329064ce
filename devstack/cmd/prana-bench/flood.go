package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"prana/devstack/loadgen"
	"prana/devstack/procstat"
	"prana/devstack/stack"
)

// floodSize is how many logins arrive at once.
const floodSize = 1000

// floodAnswers are the acceptable answers to a login in a flood.
var floodAnswers = map[int]bool{200: true, 401: true, 429: true, 503: true}

// floods sends 1,000 logins at once to a freshly started auth (default parameters), with the rate limiter on
// (as deployed) and off (every request reaches the hashing gate), and reads auth's peak resident memory; then
// it measures logins during a signup flood.
func (b *bench) floods(ctx context.Context) ([]figure, error) {
	var figs []figure
	for _, limiter := range []bool{true, false} {
		var extra []string
		label := "rate limiter on"
		if !limiter {
			extra, label = stack.NoLoginLimits, "rate limiter off"
		}
		b.step("1,000 concurrent logins, %s", label)
		if _, err := b.sys.StartAuth(ctx, extra...); err != nil {
			return figs, err
		}
		// The peak of the flood, not of start-up (which hashes once for its decoy).
		if err := procstat.ResetPeak(b.sys.Auth.Pid()); err != nil {
			return figs, err
		}
		statuses, errs, noRetry, firstErr := b.flood(ctx)
		mem, err := procstat.ReadMemory(b.sys.Auth.Pid())
		if err != nil {
			return figs, err
		}
		f := figure{
			Name: "1,000 concurrent logins, " + label,
			Value: fmt.Sprintf("peak RSS %s MiB; answers %s (%d of the 429/503 without Retry-After); %d connection errors",
				mib(float64(mem.Peak)), statusList(statuses), noRetry, errs),
			Target: "peak RSS ≤ 512 MiB; every answer 200/401/429/503, 429/503 with Retry-After; no connection errors",
			Seed:   "100 MiB per hash in flight, unbounded", Command: rerun + "flood (VmHWM from /proc/<pid>/status)",
			Verdict: met,
		}
		var why []string
		if mem.Peak > 512<<20 {
			why = append(why, fmt.Sprintf("peak RSS %s MiB is %s against the target", mib(float64(mem.Peak)), pct(float64(mem.Peak), 512<<20)))
		}
		for s := range statuses {
			if !floodAnswers[s] {
				why = append(why, fmt.Sprintf("%d answers with status %d", statuses[s], s))
			}
		}
		if noRetry > 0 {
			why = append(why, fmt.Sprintf("%d answers 429/503 lack Retry-After", noRetry))
		}
		if errs > 0 {
			why = append(why, fmt.Sprintf("%d requests got no answer (first: %v)", errs, firstErr))
		}
		if len(why) > 0 {
			f.Verdict, f.Note = missed, joinNotes(why)+limitNote(f.Name)
		}
		figs = append(figs, f)
	}
	f, err := b.signupFlood(ctx)
	if err != nil {
		return figs, err
	}
	return append(figs, f), nil
}

// flood opens floodSize connections, then sends one login on each at the same moment and waits for every
// answer. Logins are for the login figure's users (right password) when it ran first, else for unknown emails.
func (b *bench) flood(ctx context.Context) (statuses map[int]int, errs, noRetry int, firstErr error) {
	client := loadgen.NewClient(floodSize, time.Minute)
	defer client.CloseIdleConnections()
	url := b.sys.AuthURL + "/api/auth/login"
	start := make(chan struct{})
	var mu sync.Mutex
	statuses = map[int]int{}
	var wg sync.WaitGroup
	for i := range floodSize {
		wg.Go(func() {
			resp, err := floodOne(ctx, client, url, i, start)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs++
				firstErr = cmp.Or(firstErr, err)
			default:
				statuses[resp.StatusCode]++
				if (resp.StatusCode == 429 || resp.StatusCode == 503) && resp.Header.Get("Retry-After") == "" {
					noRetry++
				}
			}
		})
	}
	close(start)
	wg.Wait()
	return statuses, errs, noRetry, firstErr
}

// floodOne sends the i-th login once start is closed and reads the whole answer.
func floodOne(ctx context.Context, client *http.Client, url string, i int, start <-chan struct{}) (*http.Response, error) {
	req, err := newRequest(http.MethodPost, url, "", bytes.NewReader(loginBody(email("login", i%loginPool))))
	if err != nil {
		return nil, err
	}
	<-start
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return nil, err
	}
	return resp, nil
}

// statusList renders counts by status, e.g. "200×12, 429×988".
func statusList[N int | uint64](m map[int]N) string {
	var parts []string
	for _, s := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d×%d", s, m[s]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
