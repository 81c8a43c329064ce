package main

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// renderPkg holds the renderer's benchmarks.
const renderPkg = "./pdf/internal/adapters/gopdfrender"

// render runs the renderer's Go benchmark (a distinct profile each time; the plain one if that is missing) and
// reports its time per document and document size, and the memory it allocates.
func (b *bench) render(ctx context.Context) []figure {
	f, lines := b.renderTime(ctx)
	if len(lines) == 0 {
		return []figure{f}
	}
	return []figure{f, allocFigure("a Latin-script profile", lines, maxLatinAlloc, f.Command)}
}

// Targets of the memory a render allocates (issue 13).
const (
	maxLatinAlloc = 0.8e6
	maxCJKAlloc   = 1.5e6
)

// allocFigure reports the bytes allocated per render (B/op) of a benchmark's lines against a target.
func allocFigure(what string, lines []benchLine, maxBytes float64, cmd string) figure {
	var alloc []float64
	for _, l := range lines {
		alloc = append(alloc, l.Metrics["B/op"])
	}
	a := spreadOf(alloc)
	f := figure{Name: "memory allocated per render, " + what + " (Go benchmark, B/op)",
		Value:  a.format(func(b float64) string { return fmt.Sprintf("%.2f", b/1e6) }, " MB", len(alloc)),
		Target: fmt.Sprintf("≤ %.1f MB", maxBytes/1e6), Seed: "—", Command: cmd, Verdict: met}
	if a.Median > maxBytes {
		f.Verdict = missed
		f.Note = fmt.Sprintf("%.2f MB is %s against the target.", a.Median/1e6, pct(a.Median, maxBytes)) + limitNote(f.Name)
	}
	return f
}

// renderTime is the render figure, and the benchmark lines it was read from.
func (b *bench) renderTime(ctx context.Context) (figure, []benchLine) {
	f := figure{Name: "render one profile PDF, a distinct profile each time (Go benchmark, CPU)",
		Target: "≤ 1.5 ms with the Unicode font embedded, PDF ≤ 30 KB", Seed: "1.4 ms, 1.8 KB, fonts not embedded"}
	var lines []benchLine
	var cmd string
	for _, name := range []string{"BenchmarkRenderDistinct", "BenchmarkRender"} {
		args := []string{"test", "-run", "^$", "-bench", "^" + name + "$", "-benchmem", "-count", strconv.Itoa(b.set.runs), renderPkg}
		cmd = "go " + strings.Join(args, " ")
		b.step("%s", cmd)
		c := exec.CommandContext(ctx, "go", args...)
		c.Dir = b.root
		out, err := c.CombinedOutput()
		if err != nil {
			f.Value, f.Verdict, f.Note = "failed", missed, fmt.Sprintf("`%s` failed: %v: %.300s", cmd, err, out)
			return f, nil
		}
		if lines = parseBench(string(out), name); len(lines) > 0 {
			break
		}
	}
	f.Command = cmd
	if len(lines) == 0 {
		f.Value, f.Verdict, f.Note = "no result", missed, "no render benchmark printed a result"
		return f, nil
	}
	var nsop, size, allocs []float64
	for _, l := range lines {
		nsop = append(nsop, l.Metrics["ns/op"])
		size = append(size, l.Metrics["bytes/doc"])
		allocs = append(allocs, l.Metrics["allocs/op"])
	}
	t, s := spreadOf(nsop), spreadOf(size)
	f.Value = t.format(func(ns float64) string { return ms(ns / 1e9) }, " ms", len(nsop)) +
		fmt.Sprintf("; PDF %.1f KB; %s allocs/doc", s.Median/1000, num(spreadOf(allocs).Median))
	if !strings.Contains(cmd, "Distinct") {
		f.Name = "render one profile PDF, the same profile each time (Go benchmark, CPU; BenchmarkRenderDistinct missing)"
	}
	f.Verdict = met
	var why []string
	if t.Median > 1.5e6 {
		why = append(why, fmt.Sprintf("%s ms is %s against the target", ms(t.Median/1e9), pct(t.Median, 1.5e6)))
	}
	if s.Median == 0 || s.Median > 30000 {
		why = append(why, fmt.Sprintf("PDF size %.0f bytes (bytes/doc metric) is not ≤ 30 KB", s.Median))
	}
	if len(why) > 0 {
		f.Verdict, f.Note = missed, joinNotes(why)+limitNote(f.Name)
	}
	return f, lines
}

// benchLine is one result line of `go test -bench`.
type benchLine struct {
	Name    string // without the -N GOMAXPROCS suffix
	N       int
	Metrics map[string]float64 // by unit: "ns/op", "B/op", "allocs/op", custom ones such as "bytes/doc"
}

// parseBench returns the result lines of benchmark name (sub-benchmarks excluded) in go test output, e.g.
// "BenchmarkRender-2   1000   1234567 ns/op   25000 bytes/doc   2700000 B/op   1500 allocs/op".
func parseBench(out, name string) []benchLine {
	var lines []benchLine
	for l := range strings.Lines(out) {
		f := strings.Fields(l)
		if len(f) < 4 || len(f)%2 != 0 {
			continue
		}
		base, _, _ := strings.Cut(f[0], "-")
		if base != name {
			continue
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			continue
		}
		bl := benchLine{Name: base, N: n, Metrics: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				bl.Metrics[f[i+1]] = v
			}
		}
		lines = append(lines, bl)
	}
	return lines
}
