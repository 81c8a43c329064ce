package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseBenchReadsEveryRunAndCustomMetrics(t *testing.T) {
	t.Parallel()
	out := `goos: linux
BenchmarkRenderDistinct-2   	     900	   1234567 ns/op	     22000 bytes/doc	  300000 B/op	     150 allocs/op
BenchmarkRenderDistinct-2   	    1000	   1300000 ns/op	     22010 bytes/doc	  300000 B/op	     151 allocs/op
BenchmarkRender-2           	    2000	    900000 ns/op
BenchmarkRenderDistinct/sub-2	10	1 ns/op
PASS
ok  	prana/pdf/internal/adapters/gopdfrender	3.1s
`
	got := parseBench(out, "BenchmarkRenderDistinct")
	if len(got) != 2 {
		t.Fatalf("got %d lines, want 2: %+v", len(got), got)
	}
	if got[0].N != 900 || got[0].Metrics["ns/op"] != 1234567 || got[1].Metrics["bytes/doc"] != 22010 || got[1].Metrics["allocs/op"] != 151 {
		t.Errorf("parsed %+v", got)
	}
	if len(parseBench(out, "BenchmarkMissing")) != 0 {
		t.Error("found a benchmark that is not there")
	}
}

func TestSpreadMedianAndRange(t *testing.T) {
	t.Parallel()
	s := spreadOf([]float64{30, 10, 20})
	if s != (spread{Median: 20, Min: 10, Max: 30}) {
		t.Errorf("odd: %+v", s)
	}
	if s := spreadOf([]float64{4, 1, 2, 3}); s.Median != 2.5 {
		t.Errorf("even: median %v, want 2.5", s.Median)
	}
	if got := spreadOf([]float64{5200, 4900, 6100}).format(num, " req/s", 3); got != "5,200 req/s (4,900–6,100)" {
		t.Errorf("format: %q", got)
	}
	if got := spreadOf([]float64{0.0123}).format(ms, " ms", 1); got != "12.3 ms" {
		t.Errorf("one run: %q", got)
	}
}

func TestNumbers(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]string{1234567: "1,234,567", 999: "999", 2.5: "2.5", 6.41: "6.41", 3: "3"} {
		if got := num(in); got != want {
			t.Errorf("num(%v) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[float64]string{0.00123: "1.23", 0.0456: "45.6", 2.5: "2,500"} {
		if got := ms(in); got != want {
			t.Errorf("ms(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestJudgeNotesHowFarAMissIs(t *testing.T) {
	t.Parallel()
	f := figure{Name: "download"}
	judge(&f, "", 4000, 5000, 0.010, 0.020, 9000)
	if f.Verdict != missed || !strings.Contains(f.Note, "rate 4,000 req/s is -20% against the target (the floor here: 9,000 req/s)") {
		t.Errorf("rate miss: %v %q", f.Verdict, f.Note)
	}
	f = figure{Name: "download"}
	judge(&f, "", 6000, 5000, 0.030, 0.020, 9000)
	if f.Verdict != missed || !strings.Contains(f.Note, "p99 30.0 ms is +50%") {
		t.Errorf("p99 miss: %v %q", f.Verdict, f.Note)
	}
	f = figure{Name: "download"}
	judge(&f, "", 6000, 5000, 0.010, 0.020, 9000)
	if f.Verdict != met || f.Note != "" {
		t.Errorf("met: %v %q", f.Verdict, f.Note)
	}
}

func TestReportTableAndNotes(t *testing.T) {
	t.Parallel()
	r := report{
		When: time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC), Cores: 2, CPU: "AMD EPYC", Runs: 3, Duration: 5 * time.Second, Load: [2]string{"1.50", "2.25"},
		Figures: []figure{
			{Name: "a | b", Value: "1 req/s", Target: "≥ 2 req/s", Seed: "—", Command: rerun + "x", Verdict: missed, Note: "-50%."},
			{Name: "c", Value: "3", Target: "report it", Seed: "—", Command: "y"},
		},
		Micro: "BenchmarkX-2 1 1 ns/op\n",
	}
	var b strings.Builder
	if err := r.write(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"Machine: 2 cores, AMD EPYC.",
		"load average was 1.50 at the start and 2.25 at the end",
		"2026-11-28 23:00 UTC",
		"| figure | value | target | verdict | seed | command |",
		`| a \| b | 1 req/s | ≥ 2 req/s | **missed** | — | go run ./devstack/cmd/prana-bench -only x |`,
		"| c | 3 | report it | reported | — | y |",
		"## Notes on misses\n\n- **a | b** — -50%.",
		"```\nBenchmarkX-2 1 1 ns/op\n```",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

func TestTamperKeepsTheShapeAndChangesTheSignature(t *testing.T) {
	t.Parallel()
	tok := "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	bad := tamper(tok)
	if bad == tok || len(bad) != len(tok) || strings.Count(bad, ".") != 2 || bad[:strings.LastIndex(bad, ".")] != tok[:strings.LastIndex(tok, ".")] {
		t.Errorf("tamper(%q) = %q", tok, bad)
	}
}

func TestStatusList(t *testing.T) {
	t.Parallel()
	if got := statusList(map[int]int{429: 988, 200: 12}); got != "200×12, 429×988" {
		t.Errorf("got %q", got)
	}
}

func TestParseHashCost(t *testing.T) {
	t.Parallel()
	c, err := parseHashCost("29ms 25.112541ms\n")
	if err != nil || c.CPU != 29*time.Millisecond || c.Wall != 25112541*time.Nanosecond {
		t.Errorf("got %+v, %v", c, err)
	}
	if c.limit() <= 0 {
		t.Errorf("limit %v", c.limit())
	}
	for _, bad := range []string{"", "29ms", "0s 1ms", "x y"} {
		if _, err := parseHashCost(bad); err == nil {
			t.Errorf("parseHashCost(%q): want an error", bad)
		}
	}
}

// TestKeptSectionSurvivesARewrite: the figures other commands measured (the container images) stay in
// BENCHMARKS.md when make bench writes it again.
func TestKeptSectionSurvivesARewrite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	kept := keepStart + "\n## Container images\n\n| image | size |\n" + keepEnd
	if err := os.WriteFile(path, []byte("# Benchmarks\n\nold table\n\n"+kept+"\n\nold micro\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := (report{Kept: keptSection(path)}).write(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), kept) || strings.Contains(b.String(), "old table") {
		t.Errorf("rewritten report:\n%s", b.String())
	}
	if keptSection(filepath.Join(t.TempDir(), "none.md")) != "" {
		t.Error("a missing file has a kept section")
	}
}
