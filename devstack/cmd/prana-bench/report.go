package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// verdict says how a figure compares with its target.
type verdict int

const (
	reported verdict = iota // no pass/fail target: the figure is reported
	met
	missed
)

// figure is one row of BENCHMARKS.md.
type figure struct {
	Name    string
	Value   string
	Target  string
	Seed    string
	Command string
	Verdict verdict
	Note    string // for a miss: by how much, and what limits it
}

// report is the whole of BENCHMARKS.md.
type report struct {
	When     time.Time
	Cores    int
	CPU      string
	Runs     int
	Duration time.Duration
	Quick    bool
	Load     [2]string // 1-minute load average at the start and at the end: how busy the machine was
	Figures  []figure
	Micro    string // output of the Go micro-benchmarks, when given
	Kept     string // the section between keepStart and keepEnd of the file replaced, measured by other commands
}

// The part of BENCHMARKS.md that other commands measure (the container images, by `make test-containers`):
// kept as it is when the report is written again.
const (
	keepStart = "<!-- kept by make bench: measured by other commands -->"
	keepEnd   = "<!-- end of kept -->"
)

// keptSection returns the kept section of the file at path, markers included, or "".
func keptSection(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	s := string(b)
	i, j := strings.Index(s, keepStart), strings.Index(s, keepEnd)
	if i < 0 || j < i {
		return ""
	}
	return s[i : j+len(keepEnd)]
}

// mark is the verdict column.
func (v verdict) mark() string {
	switch v {
	case met:
		return "met"
	case missed:
		return "**missed**"
	default:
		return "reported"
	}
}

// write renders the report as Markdown.
func (r report) write(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Benchmarks\n\n")
	fmt.Fprintf(&b, "Written by `make bench` (devstack/cmd/prana-bench) on %s.\n\n", r.When.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "Machine: %d cores, %s. Load comes from a closed-loop Go generator (devstack/loadgen) on loopback, "+
		"sharing those cores with the services; load figures are the median of %d runs of %s each, with the range in "+
		"parentheses. The machine is shared, so expect noise: the 1-minute load average was %s at the start and %s "+
		"at the end.\n", r.Cores, cell(r.CPU), r.Runs, r.Duration, r.Load[0], r.Load[1])
	if r.Quick {
		b.WriteString("\n**Quick mode (BENCH_QUICK=1): one short run per figure; a smoke test, not a measurement.**\n")
	}
	b.WriteString("\n| figure | value | target | verdict | seed | command |\n|---|---|---|---|---|---|\n")
	for _, f := range r.Figures {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n",
			cell(f.Name), cell(f.Value), cell(f.Target), f.Verdict.mark(), cell(f.Seed), cell(f.Command))
	}
	var notes []string
	for _, f := range r.Figures {
		if f.Note != "" {
			notes = append(notes, fmt.Sprintf("- **%s** — %s", f.Name, f.Note))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n## Notes on misses\n\n" + strings.Join(notes, "\n") + "\n")
	}
	b.WriteString("\n## Rerun\n\n`make bench` (about 10 minutes: micro-benchmarks, then this table); `make bench-quick` " +
		"for a smoke test (written to .data/bench/BENCHMARKS-quick.md). `go run ./devstack/cmd/prana-bench -only NAME[,NAME…]` " +
		"reruns groups of figures and prints their rows " +
		"(names in the command column).\n")
	if r.Kept != "" {
		b.WriteString("\n" + r.Kept + "\n")
	}
	if r.Micro != "" {
		b.WriteString("\n## Go micro-benchmarks\n\n```\n" + strings.TrimSpace(r.Micro) + "\n```\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
