package main

import (
	"context"
	"fmt"
	"time"

	"prana/devstack/procstat"
	"prana/devstack/stack"
)

// idleSettle is how long freshly started services sit idle before their memory is read.
const idleSettle = 3 * time.Second

// startups restarts auth and pdf several times on a migrated database, timing exec → /readyz 200, then reads
// the idle resident memory of fresh auth, pdf and worker processes.
func (b *bench) startups(ctx context.Context) ([]figure, error) {
	var authT, pdfT []float64
	for i := range b.set.starts {
		b.step("start-up %d/%d", i+1, b.set.starts)
		t, err := b.sys.StartAuth(ctx)
		if err != nil {
			return nil, err
		}
		authT = append(authT, t.Seconds())
		if t, err = b.sys.StartPDF(ctx); err != nil {
			return nil, err
		}
		pdfT = append(pdfT, t.Seconds())
	}
	a, p := spreadOf(authT), spreadOf(pdfT)
	f := figure{Name: "process start → /readyz 200, auth / pdf (migrations already applied)",
		Value:  a.format(ms, " ms", len(authT)) + " / " + p.format(ms, " ms", len(pdfT)) + fmt.Sprintf(" (median of %d starts)", len(authT)),
		Target: "≤ 100 ms each", Seed: "2.0 s / 1.3 s", Command: rerun + "startup", Verdict: met}
	var why []string
	for _, s := range []struct {
		name string
		v    float64
	}{{"auth", a.Median}, {"pdf", p.Median}} {
		if s.v > 0.100 {
			why = append(why, fmt.Sprintf("%s %s ms is %s against the target", s.name, ms(s.v), pct(s.v, 0.100)))
		}
	}
	if len(why) > 0 {
		f.Verdict, f.Note = missed, joinNotes(why)+limitNote(f.Name)
	}

	if err := b.sys.StartWorker(); err != nil {
		return []figure{f}, err
	}
	b.step("idle memory (fresh processes, %s after start)", idleSettle)
	time.Sleep(idleSettle)
	rss, split := map[string]float64{}, map[string]string{}
	for _, c := range []*stack.Child{b.sys.Auth, b.sys.PDF, b.sys.Worker} {
		m, err := procstat.ReadMemory(c.Pid())
		if err != nil {
			return []figure{f}, err
		}
		rss[c.Name] = float64(m.RSS)
		split[c.Name] = fmt.Sprintf("%.1f + %.1f", float64(m.Anon)/1e6, float64(m.File)/1e6)
	}
	mem := figure{Name: "resident memory, idle: auth / pdf / worker",
		Value: fmt.Sprintf("%.1f / %.1f / %.1f MB (anon + file: %s / %s / %s)", rss["auth"]/1e6, rss["pdf"]/1e6, rss["worker"]/1e6,
			split["auth"], split["pdf"], split["worker"]),
		Target: "≤ 20 MB per service, ≤ 30 MB worker", Seed: "76 MB / 63 MB / —",
		Command: rerun + "startup (VmRSS from /proc/<pid>/status)", Verdict: met}
	why = nil
	for _, l := range []struct {
		name  string
		bytes float64
	}{{"auth", 20e6}, {"pdf", 20e6}, {"worker", 30e6}} {
		if rss[l.name] > l.bytes {
			why = append(why, fmt.Sprintf("%s %.1f MB is %s against the target", l.name, rss[l.name]/1e6, pct(rss[l.name], l.bytes)))
		}
	}
	if len(why) > 0 {
		mem.Verdict, mem.Note = missed, joinNotes(why)+limitNote(mem.Name)
	}
	return []figure{f, mem}, nil
}
