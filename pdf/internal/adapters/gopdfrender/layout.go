package gopdfrender

import (
	"github.com/signintech/gopdf"
)

// Page geometry, in points (the document's unit). A4 is 595 × 842 pt.
const (
	pageWidth    = 595.0
	margin       = 56.0 // about 20 mm on every side
	titleSize    = 20.0
	bodySize     = 11.0
	minBodySize  = 8.0 // a long value shrinks to this, then wraps
	smallSize    = 8.0
	minSmallSize = 6.0
	leading      = 1.4 // line height as a multiple of the font size
)

// page draws lines from the top of the page down. The first error sticks
// and turns later calls into no-ops, so the caller checks once at the end.
type page struct {
	pdf   *gopdf.GoPdf
	ts    *typesetter
	added map[*face]bool // the faces registered with the document
	y     float64        // baseline of the last line drawn
	err   error
}

func newPage(pdf *gopdf.GoPdf, ts *typesetter) *page {
	added := map[*face]bool{ts.fonts.regular: true, ts.fonts.bold: true}
	return &page{pdf: pdf, ts: ts, added: added, y: margin}
}

// title draws a heading; headings are fixed text, so they need no fitting.
func (p *page) title(text string) {
	p.y += titleSize
	p.draw(margin, titleSize, []run{{p.ts.fonts.bold, text}})
	p.y += titleSize * (leading - 1)
}

// field draws a bold label and, one space after it, the value, shrunk or
// wrapped to stay inside the right margin; wrapped lines hang under the
// first. The value follows the label closely (rather than in an aligned
// column) so that text extraction keeps "Name: Іван" on one line. A
// right-to-left value that wraps is aligned to the right margin, as such
// text is read from the right.
func (p *page) field(label, value string) {
	bold := []run{{p.ts.fonts.bold, label + " "}}
	x := margin + p.width(bodySize, bold)
	size, lines := p.fit(value, bodySize, minBodySize, pageWidth-margin-x)
	p.y += bodySize * leading
	p.draw(margin, bodySize, bold)
	for i, line := range lines {
		if i > 0 {
			p.y += size * leading
		}
		runs, rtl := p.ts.line(line)
		lx := x
		if rtl && len(lines) > 1 {
			lx = pageWidth - margin - p.width(size, runs)
		}
		p.draw(lx, size, runs)
	}
}

// small draws a line of small print across the whole text width.
func (p *page) small(text string) {
	size, lines := p.fit(text, smallSize, minSmallSize, pageWidth-2*margin)
	for _, line := range lines {
		p.y += size * leading
		runs, _ := p.ts.line(line)
		p.draw(margin, size, runs)
	}
}

// space leaves a vertical gap of h points.
func (p *page) space(h float64) { p.y += h }

// draw draws runs left to right from x, with their baseline at the current y.
func (p *page) draw(x, size float64, runs []run) {
	for _, r := range runs {
		if p.err != nil || r.text == "" {
			return
		}
		if !p.setFont(r.face, size) {
			return
		}
		p.pdf.SetXY(x, p.y)
		if p.err = p.pdf.Text(r.text); p.err != nil {
			return
		}
		x += p.measure(r)
	}
}

// fit picks a font size between size and minSize at which s fits in
// maxWidth; if even minSize is too wide it wraps s at minSize. Shrinking
// first keeps a long name on one line, which reads and extracts better.
// Lines are broken in logical order and each is laid out on its own, as
// the bidirectional algorithm asks.
func (p *page) fit(s string, size, minSize, maxWidth float64) (float64, []string) {
	w := p.textWidth(size, s)
	if p.err != nil || w <= maxWidth {
		return size, []string{s}
	}
	// Text width is proportional to the font size (no kerning, no
	// character spacing). Round down to keep the result inside maxWidth.
	if shrunk := float64(int(size*maxWidth/w*10)) / 10; shrunk >= minSize {
		return shrunk, []string{s}
	}
	lines := wrap([]rune(s), maxWidth, func(s string) float64 {
		return p.textWidth(minSize, s)
	})
	return minSize, lines
}

// textWidth is the width of one line of logical text, typeset.
func (p *page) textWidth(size float64, s string) float64 {
	runs, _ := p.ts.line(s)
	return p.width(size, runs)
}

func (p *page) width(size float64, runs []run) float64 {
	var w float64
	for _, r := range runs {
		if !p.setFont(r.face, size) {
			return 0
		}
		w += p.measure(r)
	}
	return w
}

// measure is the width of r in the current font and size.
func (p *page) measure(r run) float64 {
	if p.err != nil {
		return 0
	}
	var w float64
	w, p.err = p.pdf.MeasureTextWidth(r.text)
	return w
}

// setFont selects f (the Go font for replacement runes), registering it
// with the document the first time it is used.
func (p *page) setFont(f *face, size float64) bool {
	if p.err != nil {
		return false
	}
	if f == nil {
		f = p.ts.fonts.regular
	}
	if !p.added[f] {
		if p.err = f.add(p.pdf, &p.ts.buf, p.ts.runes); p.err != nil {
			return false
		}
		p.added[f] = true
	}
	p.err = p.pdf.SetFont(f.family, "", size)
	return p.err == nil
}
