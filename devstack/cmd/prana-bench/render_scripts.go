package main

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// Targets for a profile whose name needs fallback fonts (issue 11).
const (
	scriptsMaxNs    = 3e6
	scriptsMaxBytes = 60000
)

// renderScripts runs the renderer's benchmark of names in other scripts (a CJK, an Arabic and a mixed-script
// profile, each embedding the fallback fonts it needs) and reports time per document and document size.
func (b *bench) renderScripts(ctx context.Context) []figure {
	args := []string{"test", "-run", "^$", "-bench", "^BenchmarkRenderScripts$", "-benchmem", "-count", strconv.Itoa(b.set.runs), renderPkg}
	cmd := "go " + strings.Join(args, " ")
	b.step("%s", cmd)
	c := exec.CommandContext(ctx, "go", args...)
	c.Dir = b.root
	out, err := c.CombinedOutput()
	var figs []figure
	for _, sub := range []struct{ name, what string }{
		{"CJK", "a Japanese name (山田 花子)"},
		{"Arabic", "an Arabic name (محمد عبد الله)"},
		{"Mixed", "a mixed-script name (Latin, Hebrew, Han, Vietnamese, Arabic, Hangul)"},
	} {
		f := figure{Name: "render one profile PDF that needs fallback fonts: " + sub.what + " (Go benchmark, CPU)",
			Target: "≤ 3 ms, PDF ≤ 60 KB", Seed: "drawn as ???", Command: cmd}
		lines := parseBench(string(out), "BenchmarkRenderScripts/"+sub.name)
		if err != nil || len(lines) == 0 {
			f.Value, f.Verdict, f.Note = "failed", missed, fmt.Sprintf("`%s` failed: %v: %.300s", cmd, err, out)
			figs = append(figs, f)
			continue
		}
		figs = append(figs, scriptFigure(f, lines))
		if sub.name == "CJK" {
			figs = append(figs, allocFigure("a CJK profile", lines, maxCJKAlloc, cmd))
		}
	}
	return figs
}

func scriptFigure(f figure, lines []benchLine) figure {
	var nsop, size []float64
	for _, l := range lines {
		nsop = append(nsop, l.Metrics["ns/op"])
		size = append(size, l.Metrics["bytes/doc"])
	}
	t, s := spreadOf(nsop), spreadOf(size)
	f.Value = t.format(func(ns float64) string { return ms(ns / 1e9) }, " ms", len(nsop)) +
		fmt.Sprintf("; PDF %.1f KB", s.Median/1000)
	f.Verdict = met
	var why []string
	if t.Median > scriptsMaxNs {
		why = append(why, fmt.Sprintf("%s ms is %s against the target", ms(t.Median/1e9), pct(t.Median, scriptsMaxNs)))
	}
	if s.Median > scriptsMaxBytes {
		why = append(why, fmt.Sprintf("PDF size %.1f KB is %s against the target", s.Median/1000, pct(s.Median, scriptsMaxBytes)))
	}
	if len(why) > 0 {
		f.Verdict, f.Note = missed, joinNotes(why)+limitNote(f.Name)
	}
	return f
}
