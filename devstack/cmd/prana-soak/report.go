package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"prana/devstack/procstat"
	"prana/devstack/stack"
)

// sample is each process's resident memory and goroutines at one moment.
type sample struct {
	at    time.Time
	procs []procSample
}

type procSample struct {
	name       string
	rssKiB     uint64
	goroutines int // -1: the process does not say (the worker serves no /metrics)
}

// snapshot reads each service's resident memory from /proc and its goroutines from its /metrics.
func snapshot(ctx context.Context, s *stack.System) sample {
	out := sample{at: time.Now()}
	for _, p := range []struct {
		c       *stack.Child
		metrics string
	}{{s.Auth, s.AuthURL + "/metrics"}, {s.PDF, s.PDFURL + "/metrics"}, {s.Worker, ""}} {
		ps := procSample{name: p.c.Name, goroutines: -1}
		if m, err := procstat.ReadMemory(p.c.Pid()); err == nil {
			ps.rssKiB = m.RSS / 1024
		}
		if p.metrics != "" {
			ps.goroutines = goroutines(ctx, p.metrics)
		}
		out.procs = append(out.procs, ps)
	}
	return out
}

// goroutines reads go_goroutines from a Prometheus text exposition; -1 if it cannot.
func goroutines(ctx context.Context, url string) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return -1
	}
	resp, err := pollClient.Do(req)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err == nil {
				return int(n)
			}
		}
	}
	return -1
}

// isOK reports whether a status is a success for the endpoint.
func (e endpoint) isOK(status int) bool { return slices.Contains(e.ok, status) }

// printReport writes the figures as Markdown.
func printReport(w io.Writer, set settings, results []result, before, after sample, samples []sample) {
	fmt.Fprintf(w, "\n## Soak: %s of mixed traffic\n\n", set.duration)
	fmt.Fprintln(w, "| endpoint | workers | requests | req/s | errors | p50 | p99 | max | statuses |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	total := uint64(0)
	for _, r := range results {
		errs := r.Errors
		var statuses []string
		for code, n := range r.Statuses {
			statuses = append(statuses, fmt.Sprintf("%d×%d", n, code))
			if !r.isOK(code) {
				errs += n
			}
		}
		slices.Sort(statuses)
		total += errs
		fmt.Fprintf(w, "| %s | %d | %d | %.0f | %d | %s | %s | %s | %s |\n", r.name, r.workers, r.Answered()+r.Errors,
			r.Rate(), errs, ms(r.Latency.Quantile(0.50)), ms(r.Latency.Quantile(0.99)), ms(r.Latency.Max()), strings.Join(statuses, " "))
	}
	fmt.Fprintf(w, "\nErrors (no answer, or a status other than the endpoint's success): **%d**\n\n", total)
	fmt.Fprintln(w, "| process | RSS start | RSS end | goroutines start | goroutines end |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for i, b := range before.procs {
		a := after.procs[i]
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", b.name, mib(b.rssKiB), mib(a.rssKiB), count(b.goroutines), count(a.goroutines))
	}
	fmt.Fprintln(w, "\nAlong the way (RSS / goroutines):")
	for _, s := range samples {
		var parts []string
		for _, p := range s.procs {
			parts = append(parts, fmt.Sprintf("%s %s/%s", p.name, mib(p.rssKiB), count(p.goroutines)))
		}
		fmt.Fprintf(w, "- +%s: %s\n", s.at.Sub(before.at).Round(time.Second), strings.Join(parts, ", "))
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
func mib(kib uint64) string     { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

func count(n int) string {
	if n < 0 {
		return "—"
	}
	return strconv.Itoa(n)
}
