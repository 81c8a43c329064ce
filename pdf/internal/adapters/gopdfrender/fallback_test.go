package gopdfrender_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"prana/pdf/internal/adapters/gopdfrender"
	"prana/testkit/pdftest"
)

// TestLatinProfileEmbedsNoFallbackFont: the fallback fonts cost a Latin,
// Cyrillic or Greek profile nothing.
func TestLatinProfileEmbedsNoFallbackFont(t *testing.T) {
	t.Parallel()
	r, _ := newRenderer(t)
	p := sampleProfile()
	p.Name, p.Surname = "Zoë Іван", "Γιώργος"
	out := pdftest.Poppler(t, render(t, r, p), "pdffonts")
	if n := strings.Count(out, "CID TrueType"); n != 2 || strings.Contains(out, "PRNF") {
		t.Errorf("want only the two Go fonts; pdffonts:\n%s", out)
	}
}

// TestRenderEmbedsOnlyTheFallbackFontsUsed: a Japanese name adds the CJK
// font and nothing else.
func TestRenderEmbedsOnlyTheFallbackFontsUsed(t *testing.T) {
	t.Parallel()
	requireFallbackFonts(t)
	r, _ := newRenderer(t)
	p := sampleProfile()
	p.Name, p.Surname = "花子", "山田"
	out := pdftest.Poppler(t, render(t, r, p), "pdffonts")
	if n := strings.Count(out, "CID TrueType"); n != 3 || !strings.Contains(out, "+DroidSansFallbackFull ") {
		t.Errorf("want the Go fonts and DroidSansFallbackFull; pdffonts:\n%s", out)
	}
}

type counter struct {
	mu sync.Mutex
	n  float64
}

func (c *counter) Add(v float64) { c.mu.Lock(); c.n += v; c.mu.Unlock() }

// TestMissingFallbackFontsAreNotAnError: with no font directory holding the
// fonts, New succeeds and says once which scripts it cannot draw; those
// characters are drawn as '?' and counted.
func TestMissingFallbackFontsAreNotAnError(t *testing.T) {
	t.Parallel()
	var replaced counter
	r, logs := newRendererWith(t, gopdfrender.Options{FontDirs: []string{t.TempDir()}, Replaced: &replaced})
	log := logs.String()
	if strings.Count(log, "fallback fonts not found") != 1 || !strings.Contains(log, "Arabic") || !strings.Contains(log, "Korean") {
		t.Errorf("want one warning naming the scripts that cannot be drawn; log:\n%s", log)
	}
	p := sampleProfile()
	p.Name, p.Surname = "王小明", "Nguyễn"
	for range 2 {
		got := lines(text(t, render(t, r, p)))
		if !slices.Contains(got, "Name: ???") || !slices.Contains(got, "Surname: Nguy?n") {
			t.Errorf("want '?' for what no font has; got %q", got)
		}
	}
	if replaced.n != 8 {
		t.Errorf("replaced characters counted %v, want 8 (4 per document)", replaced.n)
	}
	if n := strings.Count(logs.String(), "fallback fonts not found"); n != 1 {
		t.Errorf("warning about missing fonts logged %d times, want once", n)
	}
}

// TestRenderDrawsSymbolsItHasAndReplacesTheRest: a symbol a fallback font
// has is drawn; an emoji beyond U+FFFF becomes '?'.
func TestRenderDrawsSymbolsItHasAndReplacesTheRest(t *testing.T) {
	t.Parallel()
	requireFallbackFonts(t)
	var replaced counter
	r, _ := newRendererWith(t, gopdfrender.Options{FontDirs: fontDirs(), Replaced: &replaced})
	p := sampleProfile()
	p.Name, p.Surname = "Ada ★ ♥", "Lovelace 🎉"
	got := lines(text(t, render(t, r, p)))
	if !slices.Contains(got, "Name: Ada ★ ♥") || !slices.Contains(got, "Surname: Lovelace ?") {
		t.Errorf("got %q", got)
	}
	if replaced.n != 1 {
		t.Errorf("replaced = %v, want 1", replaced.n)
	}
}
