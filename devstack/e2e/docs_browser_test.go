package e2e

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium; the test needs it and never skips.
const chromiumPath = "/usr/bin/chromium"

// requestLog records the URL of every request a page makes.
type requestLog struct {
	mu   sync.Mutex
	urls []string
}

func (l *requestLog) listen(ev any) {
	if e, ok := ev.(*network.EventRequestWillBeSent); ok {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.urls = append(l.urls, e.Request.URL)
	}
}

// foreign returns the requests that went anywhere but 127.0.0.1.
func (l *requestLog) foreign() (n int, out []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, raw := range l.urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "data" && u.Scheme != "blob" && u.Hostname() != "127.0.0.1") {
			out = append(out, raw)
		}
	}
	return len(l.urls), out
}

// TestDocsInBrowser opens each service's Swagger UI in headless Chromium:
// the operations render from assets embedded in the binary, the page loads
// nothing from any other host, and "Try it out" reaches the service.
func TestDocsInBrowser(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("no browser at %s (%v): apt-get install chromium", chromiumPath, err)
	}
	s := startStack(t, stackOptions{})
	s.secret("correct horse battery staple") // the spec's example password, which Try it out sends
	shots := t.TempDir()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 750),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	var reqs requestLog
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(reqs.listen))
	defer cancel()
	start := time.Now()
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no timeout of its own
		t.Fatalf("start chromium: %v", err)
	}
	t.Logf("chromium started in %s", time.Since(start).Round(time.Millisecond))

	pages := []struct {
		name, base, path string
		tryIt            bool
	}{
		{"auth", s.AuthURL, "/api/auth/signup", true},
		{"pdf", s.PDFURL, "/api/pdf/download", false},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			tctx, tcancel := context.WithTimeout(ctx, 30*time.Second)
			defer tcancel()
			start := time.Now()
			if err := chromedp.Do(tctx, chromedp.Navigate(p.base+"/docs"), chromedp.WaitVisible(chromedp.CSS(".opblock"))); err != nil {
				t.Fatalf("load %s/docs and wait for .opblock: %v", p.base, err)
			}
			t.Logf("Swagger UI rendered in %s", time.Since(start).Round(time.Millisecond))
			paths, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](
				`Array.from(document.querySelectorAll('.opblock-summary-path')).map(e => e.getAttribute('data-path'))`))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(paths, p.path) {
				t.Errorf("docs list %q, want %s among them", paths, p.path)
			}
			shot, err := chromedp.Run(tctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(shots, p.name+"-docs.png")
			if err := os.WriteFile(file, shot, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot %s (%d KB)", file, len(shot)/1024)
			if p.tryIt {
				tryItOut(t, tctx, p.path)
			}
		})
	}

	if n, foreign := reqs.foreign(); len(foreign) > 0 {
		t.Errorf("the docs pages made %d requests beyond 127.0.0.1 (a CDN?): %q", len(foreign), foreign)
	} else {
		t.Logf("%d requests, all to 127.0.0.1", n)
	}
}

// statusPattern matches the first cell of Swagger UI's "Server response" row.
var statusPattern = regexp.MustCompile(`^\s*(\d{3})`)

// tryItOut expands the operation on path, presses "Try it out" and
// "Execute" with the spec's example body, and checks the live response is
// the API's own answer (201, or 422) rather than a network failure.
func tryItOut(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	op := `.opblock:has(.opblock-summary-path[data-path="` + path + `"])`
	status := op + " .live-responses-table .response .response-col_status"
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(op+" .opblock-summary-control")),
		chromedp.WaitVisible(chromedp.CSS(op+" .try-out__btn")),
		chromedp.Click(chromedp.CSS(op+" .try-out__btn")),
		chromedp.WaitVisible(chromedp.CSS(op+" .execute")),
		chromedp.Click(chromedp.CSS(op+" .execute")),
		chromedp.WaitVisible(chromedp.CSS(status)),
	)
	if err != nil {
		// Show what Swagger UI rendered instead; a fresh context, as ctx may be done.
		dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer dcancel()
		html, _ := chromedp.Run(dctx, chromedp.OuterHTML(chromedp.CSS(op), chromedp.AtLeast(0)))
		t.Fatalf("Try it out on %s: %v\nthe operation's HTML: %.3000s", path, err, html)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(status)))
	if err != nil {
		t.Fatal(err)
	}
	m := statusPattern.FindStringSubmatch(text)
	if m == nil || (m[1] != "201" && m[1] != "422") {
		t.Errorf("Try it out on %s: response status cell %q, want 201 or 422", path, text)
	} else {
		t.Logf("Try it out on %s answered %s", path, m[1])
	}
}
