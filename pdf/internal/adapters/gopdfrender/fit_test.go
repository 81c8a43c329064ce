package gopdfrender_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"prana/pdf/internal/domain"
)

// pageMargin is the renderer's margin; nothing may be drawn beyond it.
const pageMargin = 56.0

// assertInsideMargins checks that the document is one A4 page and that
// every word pdftotext finds lies within the page's margins (with a little
// slack for rounding) and is still legible: at least minWordHeight tall.
func assertInsideMargins(t *testing.T, l layout) {
	t.Helper()
	const (
		slack = 0.5
		// pdftotext's word box is 1.156 × the font size for the Go fonts;
		// nothing should shrink below 8 pt to make room.
		minWordHeight = 8 * 1.15
	)
	if l.Pages != 1 || l.Width != 595 || l.Height != 842 {
		t.Fatalf("got %d pages of %vx%v, want 1 A4 page", l.Pages, l.Width, l.Height)
	}
	for _, w := range l.Words {
		if w.XMin < pageMargin-slack || w.XMax > l.Width-pageMargin+slack ||
			w.YMin < pageMargin-slack || w.YMax > l.Height-pageMargin+slack {
			t.Errorf("word %q at x %.1f..%.1f, y %.1f..%.1f crosses the %v pt margin of a %vx%v page",
				w.Text, w.XMin, w.XMax, w.YMin, w.YMax, pageMargin, l.Width, l.Height)
		}
		if h := w.YMax - w.YMin; h < minWordHeight {
			t.Errorf("word %q is %.1f pt tall, below %.1f: shrunk to illegibility", w.Text, h, minWordHeight)
		}
	}
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// allText joins the extracted words without separators: wrapping may split
// a word, so the value is compared with its spaces removed.
func allText(l layout) string {
	var b strings.Builder
	for _, w := range l.Words {
		b.WriteString(w.Text)
	}
	return b.String()
}

func TestRenderKeepsLongValuesInsideMargins(t *testing.T) {
	t.Parallel()
	r, _ := newRenderer(t)
	for name, edit := range map[string]func(p *domain.Profile){
		"64 wide letters":      func(p *domain.Profile) { p.Name = strings.Repeat("W", 64) },
		"64 letters in words":  func(p *domain.Profile) { p.Name = strings.Repeat("Maximilian ", 6)[:64] },
		"64 Cyrillic letters":  func(p *domain.Profile) { p.Surname = strings.Repeat("Щ", 64) },
		"64 mixed letters":     func(p *domain.Profile) { p.Surname = strings.Repeat("Wolfeschlegelstein", 4)[:64] },
		"64 CJK characters":    func(p *domain.Profile) { p.Name = strings.Repeat("王小明山田花子渡辺", 8)[:64*3] },
		"64 Hangul syllables":  func(p *domain.Profile) { p.Surname = strings.Repeat("김민준", 22)[:64*3] },
		"64 Arabic letters":    func(p *domain.Profile) { p.Name = strings.Repeat("محمد", 16) },
		"Arabic words":         func(p *domain.Profile) { p.Surname = strings.Repeat("عبد الله ", 7) },
		"128-character email":  func(p *domain.Profile) { p.Email = strings.Repeat("m", 116) + "@example.com" },
		"128-char dotted mail": func(p *domain.Profile) { p.Email = strings.Repeat("first.last.", 10) + "x@example.co.uk0123456" },
		"everything at once": func(p *domain.Profile) {
			p.Name, p.Surname = strings.Repeat("W", 64), strings.Repeat("Щ", 64)
			p.Email = strings.Repeat("W", 116) + "@example.com"
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := sampleProfile()
			edit(&p)
			l := bbox(t, render(t, r, p))
			assertInsideMargins(t, l)

			got := allText(l)
			for _, v := range []string{p.Name, p.Surname, p.Email, "Generated:"} {
				v = strings.ReplaceAll(v, " ", "")
				if unicode.In([]rune(v)[0], unicode.Arabic) {
					// -bbox gives the words as drawn: left to right, in
					// presentation forms.
					got, v = norm.NFKC.String(got), reverse(v)
				}
				if !strings.Contains(got, v) {
					t.Errorf("text %q missing from extracted words %q", v, got)
				}
			}
		})
	}
}

func TestRenderTruncatesHugeValuesAndSaysSo(t *testing.T) {
	t.Parallel()
	r, logs := newRenderer(t)
	p := sampleProfile()
	p.Name = strings.Repeat("W", 5000)
	p.Surname = strings.Repeat("Щ ", 5000)
	p.Email = strings.Repeat("m", 5000) + "@example.com"
	l := bbox(t, render(t, r, p))

	assertInsideMargins(t, l)
	got := allText(l)
	for _, want := range []string{"…", "Generated:2026-05-01"} {
		if !strings.Contains(got, want) {
			t.Errorf("extracted words lack %q: %q", want, got)
		}
	}
	if log := logs.String(); !strings.Contains(log, "truncated_values=3") {
		t.Errorf("truncation not logged:\n%s", log)
	}
}
