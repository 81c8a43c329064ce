package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"prana/devstack/loadgen"
	"prana/devstack/procstat"
	"prana/devstack/stack"
	"prana/testkit/pgcluster"
)

// downloadWorkers is the concurrency of the download figures (the seed's was measured at 50).
const downloadWorkers = 50

// downloads measures the floor, GET /api/pdf/download for one user and for a different user each request,
// the rejection of a wrong signature, and the pdf service's CPU time per request.
func (b *bench) downloads(ctx context.Context) ([]figure, error) {
	if err := b.fetchSample(ctx); err != nil {
		return nil, err
	}
	url := b.sys.PDFURL + "/api/pdf/download"
	var figs []figure

	b.step("floor: bare net/http serving the same %d bytes, c=%d", len(b.pdfBytes), downloadWorkers)
	floorURL, stopFloor, err := b.startFloor(ctx)
	if err != nil {
		return nil, err
	}
	floor, err := b.load(ctx, downloadWorkers, b.set.duration, fixed(http.MethodGet, floorURL, ""))
	stopFloor()
	if err != nil {
		return nil, err
	}
	figs = append(figs, figure{
		Name: "floor: bare net/http handler, same bytes, c=50", Value: b.rateAndP99(floor),
		Target: "— (the most this machine and generator allow)", Seed: "—", Command: rerun + "download",
	})
	floorRate := rates(floor).Median

	b.step("download, one user, c=%d", downloadWorkers)
	one, oneCPU, err := b.loadCPU(ctx, fixed(http.MethodGet, url, b.users[0].Token))
	if err != nil {
		return figs, err
	}
	f := figure{Name: "GET /api/pdf/download, c=50, one user repeatedly", Value: b.rateAndP99(one),
		Target: "≥ 5,000 req/s, p99 ≤ 20 ms", Seed: "264 req/s, p99 321 ms", Command: rerun + "download"}
	judge(&f, statusCheck(one, http.StatusOK), rates(one).Median, 5000, p99s(one).Median, 0.020, floorRate)
	explainCPU(&f, oneCPU, 5000)
	figs = append(figs, f, floorShare(rates(one).Median, floorRate))

	b.step("download, a different user each request (%d users), c=%d", len(b.users), downloadWorkers)
	var next atomic.Int64
	distinct := func(int, int) (*http.Request, error) {
		u := b.users[int(next.Add(1)-1)%len(b.users)]
		return newRequest(http.MethodGet, url, u.Token, nil)
	}
	many, _, err := b.loadCPU(ctx, distinct)
	if err != nil {
		return figs, err
	}
	// The PDF cache holds more than the users made here, so after the first round these are cache hits.
	figs = append(figs, figure{
		Name:  fmt.Sprintf("GET /api/pdf/download, c=50, a different user every request, %d users in turn (cached after the first round)", len(b.users)),
		Value: b.rateAndP99(many), Target: "— (see the next row for the target)", Seed: "264 req/s", Command: rerun + "download",
		Verdict: reported, Note: statusCheck(many, http.StatusOK),
	})

	// Users never seen before miss the cache: with the cache off every request renders, as a new user's does.
	b.step("download, a different user each request, PDF cache off, c=%d", downloadWorkers)
	if _, err := b.sys.StartPDF(ctx, "PDF_CACHE_BYTES=0"); err != nil {
		return figs, err
	}
	next.Store(0)
	fresh, freshCPU, err := b.loadCPU(ctx, distinct)
	if _, rerr := b.sys.StartPDF(ctx); err == nil {
		err = rerr
	}
	if err != nil {
		return figs, err
	}
	f = figure{Name: "GET /api/pdf/download, c=50, a different user every request, none cached (PDF_CACHE_BYTES=0: every request renders)",
		Value: b.rateAndP99(fresh), Target: "≥ 1,400 req/s, p99 ≤ 60 ms", Seed: "264 req/s", Command: rerun + "download"}
	judge(&f, statusCheck(fresh, http.StatusOK), rates(fresh).Median, 1400, p99s(fresh).Median, 0.060, floorRate)
	explainCPU(&f, freshCPU, 1400)
	figs = append(figs, f)

	b.step("download with a wrong-signature token, c=%d", downloadWorkers)
	bad, badCPU, err := b.loadCPU(ctx, fixed(http.MethodGet, url, tamper(b.users[0].Token)))
	if err != nil {
		return figs, err
	}
	f = figure{Name: "download with a wrong-signature token, c=50", Value: b.rateAndP99(bad),
		Target: "≥ 10,000 req/s, all 401", Seed: "640 req/s", Command: rerun + "download"}
	judge(&f, statusCheck(bad, http.StatusUnauthorized), rates(bad).Median, 10000, 0, 0, floorRate)
	explainCPU(&f, badCPU, 10000)
	figs = append(figs, f)

	figs = append(figs, figure{
		Name: "pdf service CPU time per download (one user) / per rejection",
		Value: oneCPU.PerRequest.format(usec, " µs", len(one)) + " / " + badCPU.PerRequest.format(usec, " µs", len(bad)) +
			fmt.Sprintf(" (the pdf service kept %.2f / %.2f of %d cores busy; the generator and the rest had the others)",
				oneCPU.Cores.Median, badCPU.Cores.Median, runtime.NumCPU()),
		Target: "report it", Seed: "3.9 ms / 1.7 ms", Command: rerun + "download (utime+stime from /proc/<pid>/stat ÷ requests)",
	}, uncachedCPU(freshCPU, len(fresh)))
	return figs, nil
}

// Targets of the render path's figures.
const (
	minFloorShare     = 0.8    // a cached download against a bare handler serving the same bytes
	maxUncachedCPUSec = 0.9e-3 // pdf service CPU per download that renders
)

// floorShare is a cached download's rate as a share of the floor measured in the same run.
func floorShare(rate, floorRate float64) figure {
	f := figure{Name: "cached download (one user) as a share of the floor, same run",
		Target: fmt.Sprintf("≥ %.1f", minFloorShare), Seed: "0.01", Command: rerun + "download", Verdict: met}
	if floorRate <= 0 {
		f.Value, f.Verdict, f.Note = "no floor measured", missed, "the floor run answered nothing."
		return f
	}
	share := rate / floorRate
	f.Value = fmt.Sprintf("%.2f (%s of %s req/s)", share, num(rate), num(floorRate))
	if share < minFloorShare {
		f.Verdict = missed
		f.Note = fmt.Sprintf("%.2f is %s against the target.", share, pct(share, minFloorShare)) + limitNote(f.Name)
	}
	return f
}

// uncachedCPU is the pdf service's CPU time per download that renders.
func uncachedCPU(use cpuUse, runs int) figure {
	f := figure{Name: "pdf service CPU time per uncached download (every request renders)",
		Value: use.PerRequest.format(usec, " µs", runs), Target: "≤ 900 µs", Seed: "3.45 ms",
		Command: rerun + "download (utime+stime from /proc/<pid>/stat ÷ requests)", Verdict: met}
	if m := use.PerRequest.Median; m > maxUncachedCPUSec {
		f.Verdict = missed
		f.Note = fmt.Sprintf("%s µs is %s against the target.", usec(m), pct(m, maxUncachedCPUSec)) + limitNote(f.Name)
	}
	return f
}

// loadCPU is load at downloadWorkers against the pdf service, also returning its CPU use.
func (b *bench) loadCPU(ctx context.Context, req loadgen.Request) ([]*loadgen.Result, cpuUse, error) {
	return b.loadWithCPU(ctx, b.sys.PDF.Pid(), downloadWorkers, b.set.duration, req)
}

// loadAuth is load at authWorkers against auth, also returning its CPU use.
func (b *bench) loadAuth(ctx context.Context, d time.Duration, req loadgen.Request) ([]*loadgen.Result, cpuUse, error) {
	return b.loadWithCPU(ctx, b.sys.Auth.Pid(), authWorkers, d, req)
}

// cpuUse is what a server process spent during load runs.
type cpuUse struct {
	PerRequest spread // CPU seconds per answered request
	Cores      spread // CPU seconds per second: how many cores it kept busy
}

// loadWithCPU runs the load set.runs times and also returns pid's CPU use (warm-up included on both sides of
// each division).
func (b *bench) loadWithCPU(ctx context.Context, pid, workers int, d time.Duration, req loadgen.Request) ([]*loadgen.Result, cpuUse, error) {
	return b.loadObserved(ctx, pid, loadgen.Config{Workers: workers, Duration: d, Warmup: b.set.warmup}, req)
}

// loadObserved is loadWithCPU with a load configuration of the caller's (an Observe hook, say).
func (b *bench) loadObserved(ctx context.Context, pid int, cfg loadgen.Config, req loadgen.Request) ([]*loadgen.Result, cpuUse, error) {
	var rs []*loadgen.Result
	var perReq, cores []float64
	for range b.set.runs {
		before, err := procstat.CPUTime(pid)
		if err != nil {
			return rs, cpuUse{}, err
		}
		start := time.Now()
		res, err := loadgen.Run(ctx, cfg, req)
		if err != nil {
			return rs, cpuUse{}, err
		}
		after, err := procstat.CPUTime(pid)
		if err != nil {
			return rs, cpuUse{}, err
		}
		rs = append(rs, res)
		cores = append(cores, (after-before).Seconds()/time.Since(start).Seconds())
		if n := res.Answered() + res.WarmupAnswered; n > 0 {
			perReq = append(perReq, (after-before).Seconds()/float64(n))
		}
	}
	return rs, cpuUse{PerRequest: spreadOf(perReq), Cores: spreadOf(cores)}, nil
}

// judge sets f's verdict from the median rate (and p99, when p99Max > 0) and notes a miss by how much.
func judge(f *figure, statusProblem string, rate, minRate, p99, p99Max, floorRate float64) {
	f.Verdict = met
	var why []string
	if statusProblem != "" {
		why = append(why, statusProblem)
	}
	if rate < minRate {
		w := fmt.Sprintf("rate %s req/s is %s against the target", num(rate), pct(rate, minRate))
		if floorRate > 0 {
			w += fmt.Sprintf(" (the floor here: %s req/s)", num(floorRate))
		}
		why = append(why, w)
	}
	if p99Max > 0 && p99 > p99Max {
		why = append(why, fmt.Sprintf("p99 %s ms is %s against the target", ms(p99), pct(p99, p99Max)))
	}
	if len(why) > 0 {
		f.Verdict = missed
		f.Note = joinNotes(why) + limitNote(f.Name)
	}
}

// explainCPU adds to a missed figure's note what the pdf service's CPU use says about the limit: whether its
// own CPU time per request would allow the target with every core to itself, and how many cores it got.
func explainCPU(f *figure, use cpuUse, target float64) {
	if f.Verdict != missed || use.PerRequest.Median <= 0 {
		return
	}
	cores := float64(runtime.NumCPU())
	ceiling := cores / use.PerRequest.Median
	f.Note += fmt.Sprintf(" The service spent %s µs of CPU per request (all %d cores would serve %s req/s) and kept %.2f "+
		"cores busy", usec(use.PerRequest.Median), runtime.NumCPU(), num(ceiling), use.Cores.Median)
	if ceiling >= target {
		f.Note += ": the limit is the cores it shares with the generator, the kernel's loopback work and the rest of the machine, not its own cost per request."
	} else {
		f.Note += ": its own CPU cost per request is above what the target allows on these cores."
	}
}

// fixed is the same request every time.
func fixed(method, url, token string) loadgen.Request {
	return func(int, int) (*http.Request, error) { return newRequest(method, url, token, nil) }
}

// tamper changes one character in the middle of a token's signature: well-formed, wrongly signed.
func tamper(token string) string {
	b := []byte(token)
	i := len(b) - 10
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// fetchSample downloads the first user's PDF: its bytes and headers are what the floor serves.
func (b *bench) fetchSample(ctx context.Context) error {
	req, err := newRequest(http.MethodGet, b.sys.PDFURL+"/api/pdf/download", b.users[0].Token, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("download: %s: %.300s", resp.Status, body)
	}
	b.pdfBytes, b.pdfType = body, resp.Header.Get("Content-Type")
	return nil
}

// startFloor runs `prana-bench floor` (this binary) as a process of its own serving the sample PDF, so that it
// competes with the generator for the cores just as the pdf service does.
func (b *bench) startFloor(ctx context.Context) (string, func(), error) {
	file := filepath.Join(b.sys.Dir(), "floor.pdf")
	if err := os.WriteFile(file, b.pdfBytes, 0o644); err != nil {
		return "", nil, err
	}
	port, err := pgcluster.FreePort()
	if err != nil {
		return "", nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	start := time.Now()
	c, err := b.sys.Start("floor", self, "floor", file, addr, b.pdfType)
	if err != nil {
		return "", nil, err
	}
	if _, err := stack.WaitReady(ctx, c, "http://"+addr+"/", start); err != nil {
		c.Stop(stack.StopGrace)
		return "", nil, err
	}
	return "http://" + addr + "/api/pdf/download", func() { c.Stop(stack.StopGrace) }, nil
}

// usec formats seconds as microseconds.
func usec(sec float64) string {
	return num(sec * 1e6)
}
