package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"prana/devstack/loadgen"
	"prana/devstack/stack"
)

// bench runs the figures against one system.
type bench struct {
	set      settings
	root     string
	sys      *stack.System
	progress io.Writer
	users    []user // signed up and logged in, for the pdf figures
	pdfBytes []byte // one user's download, for the floor
	pdfType  string
	started  time.Time
}

// all runs every wanted group of figures, in an order that needs as few restarts as possible, and returns the
// rows. A group that fails becomes a row saying so and the others still run: a report with a hole beats none.
// Only failing to start the system at all is an error.
func (b *bench) all(ctx context.Context) ([]figure, error) {
	// Users for the pdf figures are made with cheap hashing: how fast auth hashes is measured separately.
	if _, err := b.sys.StartAuth(ctx, append(cheapHashing, stack.NoAuthLimits...)...); err != nil {
		return nil, err
	}
	if _, err := b.sys.StartPDF(ctx); err != nil {
		return nil, err
	}
	if err := b.sys.StartWorker(); err != nil {
		return nil, err
	}
	var figs []figure
	if b.set.wants("download") || b.set.wants("upload") {
		if err := b.makeUsers(ctx); err != nil {
			return nil, err
		}
	}
	for _, g := range []struct {
		name string
		run  func(context.Context) ([]figure, error)
	}{
		{"download", b.downloads}, {"reject", b.rejections}, {"upload", b.uploads}, {"login", b.logins},
		{"loginmemory", b.loginMemory}, {"flood", b.floods}, {"startup", b.startups},
	} {
		if !b.set.wants(g.name) {
			continue
		}
		fs, err := g.run(ctx)
		figs = append(figs, fs...)
		if ctx.Err() != nil {
			return figs, ctx.Err()
		}
		if err != nil {
			b.step("%s figures failed: %v", g.name, err)
			figs = append(figs, figure{Name: g.name + " figures", Value: "failed", Verdict: missed,
				Command: rerun + g.name, Note: strings.Join(strings.Fields(err.Error()), " ") + " (service logs: .data/bench/services.log)"})
		}
	}
	return figs, nil
}

// step prints what is being measured, after the time since the start.
func (b *bench) step(format string, args ...any) {
	fmt.Fprintf(b.progress, "%6.1fs  %s\n", time.Since(b.started).Seconds(), fmt.Sprintf(format, args...))
}

// load runs the closed-loop generator set.runs times with workers connections and returns each run's result.
func (b *bench) load(ctx context.Context, workers int, duration time.Duration, req loadgen.Request) ([]*loadgen.Result, error) {
	var out []*loadgen.Result
	for range b.set.runs {
		res, err := loadgen.Run(ctx, loadgen.Config{Workers: workers, Duration: duration, Warmup: b.set.warmup}, req)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

// rates, p99s and p50s pull one number per run out of results, in seconds or per second.
func rates(rs []*loadgen.Result) spread {
	return spreadOf(each(rs, func(r *loadgen.Result) float64 { return r.Rate() }))
}

func p99s(rs []*loadgen.Result) spread {
	return spreadOf(each(rs, func(r *loadgen.Result) float64 { return r.Latency.Quantile(0.99).Seconds() }))
}

func each(rs []*loadgen.Result, f func(*loadgen.Result) float64) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}

// statusCheck returns "" when every run answered only want, or a description of what else came back.
func statusCheck(rs []*loadgen.Result, want int) string {
	for _, r := range rs {
		if !r.Only(want) {
			return fmt.Sprintf("not all %d: answers %s, %d errors (first: %v)", want, statusList(r.Statuses), r.Errors, r.FirstErr)
		}
	}
	return ""
}

// rateAndP99 renders "N req/s (range); p99 X ms (range)".
func (b *bench) rateAndP99(rs []*loadgen.Result) string {
	return rates(rs).format(num, " req/s", len(rs)) + "; p99 " + p99s(rs).format(ms, " ms", len(rs))
}

// newRequest builds a request with an optional bearer token and JSON body.
func newRequest(method, url, token string, body io.Reader) (*http.Request, error) {
	r, err := http.NewRequest(method, url, body)
	if err != nil {
		return nil, err
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	return r, nil
}

// pct is how far got is from want, as a signed percentage of want.
func pct(got, want float64) string {
	return fmt.Sprintf("%+.0f%%", (got-want)/want*100)
}

// rerun is the command that measures one group of figures again; the group's name follows.
const rerun = "go run ./devstack/cmd/prana-bench -only "
