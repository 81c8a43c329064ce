package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"prana/devstack/loadgen"
	"prana/devstack/procstat"
)

// bucket is the pdf service's default bucket.
const bucket = "user-pdfs"

// uploads measures POST /api/pdf/upload-to-s3 → object stored: a burst of jobs, each for a different user so
// that each must end as an object of its own, and one job at a time.
func (b *bench) uploads(ctx context.Context) ([]figure, error) {
	jobs := b.users[:min(b.set.jobs, len(b.users))]
	var rates, workerCPU []float64
	var lost []string
	for run := range b.set.runs {
		b.step("upload burst %d/%d: %d jobs, c=50", run+1, b.set.runs, len(jobs))
		before, err := procstat.CPUTime(b.sys.Worker.Pid())
		if err != nil {
			return nil, err
		}
		rate, missing, err := b.uploadBurst(ctx, jobs)
		if err != nil {
			return nil, err
		}
		after, err := procstat.CPUTime(b.sys.Worker.Pid())
		if err != nil {
			return nil, err
		}
		workerCPU = append(workerCPU, (after-before).Seconds()/float64(len(jobs)))
		rates = append(rates, rate)
		if missing > 0 {
			lost = append(lost, fmt.Sprintf("run %d: %d of %d objects missing after 2 minutes", run+1, missing, len(jobs)))
		}
	}
	r := spreadOf(rates)
	burst := figure{
		Name: fmt.Sprintf("upload-to-s3 → object stored, %s jobs sent at once (a different user each)", num(float64(len(jobs)))),
		Value: r.format(num, " jobs/s", len(rates)) + fmt.Sprintf(", every object checked; worker CPU %s ms a job",
			ms(spreadOf(workerCPU).Median)),
		Target: "≥ 200 jobs/s; none lost",
		Seed:   "serial worker", Command: rerun + "upload", Verdict: met,
	}
	var why []string
	if len(lost) > 0 {
		why = append(why, joinNotes(lost))
	}
	if r.Median < 200 {
		why = append(why, fmt.Sprintf("%s jobs/s is %s against the target", num(r.Median), pct(r.Median, 200)))
	}
	if len(why) > 0 {
		burst.Verdict, burst.Note = missed, joinNotes(why)+limitNote(burst.Name)
	}

	n := b.set.serial * b.set.runs
	b.step("upload, one job at a time: %d jobs", n)
	var lat []float64
	for i := range n {
		d, err := b.uploadOne(ctx, b.users[len(b.users)-1-i%len(b.users)])
		if err != nil {
			return []figure{burst}, err
		}
		lat = append(lat, d.Seconds())
	}
	l := spreadOf(lat)
	single := figure{
		Name:   "upload-to-s3 → object stored, one job at a time",
		Value:  fmt.Sprintf("p50 %s ms (fastest %s, slowest %s; %d jobs)", ms(l.Median), ms(l.Min), ms(l.Max), n),
		Target: "p50 ≤ 200 ms", Seed: "—", Command: rerun + "upload", Verdict: met,
	}
	if l.Median > 0.200 {
		single.Verdict = missed
		single.Note = fmt.Sprintf("p50 %s ms is %s against the target", ms(l.Median), pct(l.Median, 0.200)) + limitNote(single.Name)
	}
	return []figure{burst, single}, nil
}

// uploadBurst deletes the users' objects, sends one job per user from 50 workers, and waits until every object
// exists. It returns jobs per second from the first POST to the last object seen, and how many never appeared.
func (b *bench) uploadBurst(ctx context.Context, users []user) (float64, int, error) {
	if err := forEach(ctx, users, 20, func(c *http.Client, u user) error { return b.deleteObject(ctx, c, u) }); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	url := b.sys.PDFURL + "/api/pdf/upload-to-s3"
	err := forEach(ctx, users, 50, func(c *http.Client, u user) error {
		req, err := newRequest(http.MethodPost, url, u.Token, nil)
		if err != nil {
			return err
		}
		status, err := loadgen.Do(c, req.WithContext(ctx))
		if err == nil && status != http.StatusAccepted {
			err = fmt.Errorf("upload-to-s3 answered %d, want 202", status)
		}
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	pending, err := b.awaitObjects(ctx, users, time.Now().Add(2*time.Minute))
	if err != nil {
		return 0, 0, err
	}
	took := time.Since(start)
	return float64(len(users)-pending) / took.Seconds(), pending, nil
}

// checkWindow is how many objects awaitObjects asks about at once.
const checkWindow = 32

// awaitObjects waits until every user's object exists or the deadline passes, and returns how many never
// appeared. Jobs finish roughly in the order they were sent, so it asks about the oldest pending objects only,
// a window at a time, and pauses only when none of them is there yet: the checks cost the emulator little more
// than one request per object, and the last object is seen within moments of being stored.
func (b *bench) awaitObjects(ctx context.Context, users []user, deadline time.Time) (int, error) {
	c := loadgen.NewClient(checkWindow, 10*time.Second)
	defer c.CloseIdleConnections()
	pending := slices.Clone(users)
	for len(pending) > 0 && time.Now().Before(deadline) {
		window := pending[:min(checkWindow, len(pending))]
		found := make([]bool, len(window))
		err := forEachWith(ctx, c, indices(len(window)), len(window), func(c *http.Client, i int) error {
			var err error
			found[i], err = b.objectExists(ctx, c, window[i])
			return err
		})
		if err != nil {
			return 0, err
		}
		still := pending[:0:0]
		for i, u := range window {
			if !found[i] {
				still = append(still, u)
			}
		}
		if len(still) == len(window) {
			time.Sleep(10 * time.Millisecond)
		}
		pending = append(still, pending[len(window):]...)
	}
	return len(pending), nil
}

// uploadOne sends one job and polls every 2 ms until its object exists.
func (b *bench) uploadOne(ctx context.Context, u user) (time.Duration, error) {
	c := loadgen.NewClient(2, 10*time.Second)
	defer c.CloseIdleConnections()
	if err := b.deleteObject(ctx, c, u); err != nil {
		return 0, err
	}
	req, err := newRequest(http.MethodPost, b.sys.PDFURL+"/api/pdf/upload-to-s3", u.Token, nil)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if status, err := loadgen.Do(c, req.WithContext(ctx)); err != nil || status != http.StatusAccepted {
		return 0, fmt.Errorf("upload-to-s3: status %d, %v", status, err)
	}
	for time.Since(start) < time.Minute {
		ok, err := b.objectExists(ctx, c, u)
		if err != nil {
			return 0, err
		}
		if ok {
			return time.Since(start), nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("object for user %s not stored within a minute", u.ID)
}

// objectURL is where the worker stores a user's PDF, path-style on the emulator.
func (b *bench) objectURL(u user) string {
	return b.sys.Emu.URL + "/" + bucket + "/profile_" + u.ID + ".pdf"
}

// objectExists asks the emulator directly (HEAD), bypassing the services.
func (b *bench) objectExists(ctx context.Context, c *http.Client, u user) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, b.objectURL(u), nil)
	if err != nil {
		return false, err
	}
	status, err := loadgen.Do(c, req)
	switch {
	case err != nil:
		return false, err
	case status == http.StatusOK:
		return true, nil
	case status == http.StatusNotFound:
		return false, nil
	default:
		return false, fmt.Errorf("HEAD %s: status %d", b.objectURL(u), status)
	}
}

// deleteObject removes a user's PDF so that its reappearance can be timed.
func (b *bench) deleteObject(ctx context.Context, c *http.Client, u user) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, b.objectURL(u), nil)
	if err != nil {
		return err
	}
	status, err := loadgen.Do(c, req)
	if err == nil && status != http.StatusNoContent && status != http.StatusNotFound && status != http.StatusOK {
		err = fmt.Errorf("DELETE %s: status %d", b.objectURL(u), status)
	}
	return err
}

// forEach calls f for every item from `workers` goroutines sharing one client, stopping at the first error.
func forEach[T any](ctx context.Context, items []T, workers int, f func(*http.Client, T) error) error {
	c := loadgen.NewClient(workers, 30*time.Second)
	defer c.CloseIdleConnections()
	return forEachWith(ctx, c, items, workers, f)
}

// forEachWith is forEach with a client of the caller's, whose connections outlive the call.
func forEachWith[T any](ctx context.Context, c *http.Client, items []T, workers int, f func(*http.Client, T) error) error {
	var next atomic.Int64
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(items) && ctx.Err() == nil && failed.Load() == nil; i = int(next.Add(1) - 1) {
				if err := f(c, items[i]); err != nil {
					failed.CompareAndSwap(nil, &err)
				}
			}
		})
	}
	wg.Wait()
	if p := failed.Load(); p != nil {
		return *p
	}
	return ctx.Err()
}

// indices is 0 … n-1.
func indices(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
