package e2e

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"gopkg.in/yaml.v3"

	devstack "prana/devstack/stack"
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
// every operation of the committed spec renders (and nothing else), from
// assets embedded in the binary; the page loads nothing from any other
// host; "Try it out" signs up (201) on auth, and on pdf, after "Authorize"
// with a token from a real login, downloads the PDF (200).
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
		name, base string
		// try runs "Try it out" on the rendered page.
		try func(t *testing.T, ctx context.Context)
	}{
		{"auth", s.AuthURL, func(t *testing.T, ctx context.Context) {
			tryItOut(t, ctx, "/api/auth/signup", "201")
		}},
		{"pdf", s.PDFURL, func(t *testing.T, ctx context.Context) {
			u := s.signupAndLogin(t, "Іван", "Петренко")
			authorize(t, ctx, u.Token)
			tryItOut(t, ctx, "/api/pdf/download", "200")
		}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			tctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
			defer tcancel()
			start := time.Now()
			if err := chromedp.Do(tctx, chromedp.Navigate(p.base+"/docs"), chromedp.WaitVisible(chromedp.CSS(".opblock"))); err != nil {
				t.Fatalf("load %s/docs and wait for .opblock: %v", p.base, err)
			}
			t.Logf("Swagger UI rendered in %s", time.Since(start).Round(time.Millisecond))
			rendered, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](renderedOperations))
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(rendered)
			if want := specOperations(t, p.name); !slices.Equal(rendered, want) {
				t.Errorf("Swagger UI shows operations\n%q\nbut api/%s.yaml has\n%q", rendered, p.name, want)
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
			p.try(t, tctx)
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

// renderedOperations lists what Swagger UI rendered as "METHOD path
// operationId" (apidocs turns on displayOperationId).
const renderedOperations = `Array.from(document.querySelectorAll('.opblock')).map(e =>
	[e.querySelector('.opblock-summary-method'), e.querySelector('.opblock-summary-path'),
	 e.querySelector('.opblock-summary-operation-id')].map(c => c ? c.textContent.trim() : '?').join(' '))`

// specOperations lists the operations of api/<name>.yaml, the committed
// spec, in the form of renderedOperations, sorted.
func specOperations(t *testing.T, name string) []string {
	t.Helper()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "api", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]struct {
			OperationID string `yaml:"operationId"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("api/%s.yaml: %v", name, err)
	}
	methods := []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}
	var ops []string
	for path, item := range spec.Paths {
		for method, op := range item {
			if slices.Contains(methods, method) {
				ops = append(ops, strings.ToUpper(method)+" "+path+" "+op.OperationID)
			}
		}
	}
	if len(ops) == 0 {
		t.Fatalf("api/%s.yaml lists no operations", name)
	}
	slices.Sort(ops)
	return ops
}

// authorize enters token in Swagger UI's "Authorize" dialog for the bearer
// scheme, as a user pasting the access token from a login would.
func authorize(t *testing.T, ctx context.Context, token string) {
	t.Helper()
	const dialog = ".modal-ux .auth-container"
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(".auth-wrapper .authorize")),
		chromedp.WaitVisible(chromedp.CSS(dialog+" input")),
		chromedp.SendKeys(chromedp.CSS(dialog+" input"), token),
		chromedp.Click(chromedp.CSS(dialog+" .auth-btn-wrapper .authorize")),
		// The dialog offers "Logout" once the token is taken.
		chromedp.WaitVisible(chromedp.CSS(dialog+` button[aria-label="Remove authorization"]`)),
		chromedp.Click(chromedp.CSS(".modal-ux .btn-done")),
		chromedp.WaitNotPresent(chromedp.CSS(".modal-ux")),
		chromedp.WaitVisible(chromedp.CSS(".auth-wrapper .authorize.locked")),
	)
	if err != nil {
		dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer dcancel()
		html, _ := chromedp.Run(dctx, chromedp.OuterHTML(chromedp.CSS(".auth-wrapper"), chromedp.AtLeast(0)))
		t.Fatalf("Authorize with a bearer token: %v\nthe authorize area's HTML: %.3000s", err, html)
	}
}

// tryItOut expands the operation on path, presses "Try it out" and
// "Execute" (with the spec's example body, if any), and checks that the
// live response has status want.
func tryItOut(t *testing.T, ctx context.Context, path, want string) {
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
	if m := statusPattern.FindStringSubmatch(text); m == nil || m[1] != want {
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(op+" .live-responses-table .response-col_description"), chromedp.AtLeast(0)))
		t.Errorf("Try it out on %s: response status cell %q, want %s; response %.500s", path, text, want, body)
	} else {
		t.Logf("Try it out on %s answered %s", path, m[1])
	}
}
