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
	pdf *gopdf.GoPdf
	y   float64 // baseline of the last line drawn
	err error
}

func newPage(pdf *gopdf.GoPdf) *page { return &page{pdf: pdf, y: margin} }

// title draws a heading; headings are fixed text, so they need no fitting.
func (p *page) title(text string) {
	p.y += titleSize
	p.text(familyBold, titleSize, margin, text)
	p.y += titleSize * (leading - 1)
}

// field draws a bold label and, one space after it, the value, shrunk or
// wrapped to stay inside the right margin; wrapped lines hang under the
// first. The value follows the label closely (rather than in an aligned
// column) so that text extraction keeps "Name: Іван" on one line.
func (p *page) field(label, value string) {
	label += " "
	x := margin + p.measure(familyBold, bodySize, label)
	size, lines := p.fit(familyRegular, value, bodySize, minBodySize, pageWidth-margin-x)
	p.y += bodySize * leading
	p.text(familyBold, bodySize, margin, label)
	for i, line := range lines {
		if i > 0 {
			p.y += size * leading
		}
		p.text(familyRegular, size, x, line)
	}
}

// small draws a line of small print across the whole text width.
func (p *page) small(text string) {
	size, lines := p.fit(familyRegular, text, smallSize, minSmallSize, pageWidth-2*margin)
	for _, line := range lines {
		p.y += size * leading
		p.text(familyRegular, size, margin, line)
	}
}

// space leaves a vertical gap of h points.
func (p *page) space(h float64) { p.y += h }

// text draws s with its baseline at the current y.
func (p *page) text(family string, size, x float64, s string) {
	if p.err != nil || s == "" {
		return
	}
	if p.err = p.pdf.SetFont(family, "", size); p.err != nil {
		return
	}
	p.pdf.SetXY(x, p.y)
	p.err = p.pdf.Text(s)
}

// fit picks a font size between size and minSize at which s fits in
// maxWidth; if even minSize is too wide it wraps s at minSize. Shrinking
// first keeps a long name on one line, which reads and extracts better.
func (p *page) fit(family, s string, size, minSize, maxWidth float64) (float64, []string) {
	w := p.measure(family, size, s)
	if p.err != nil || w <= maxWidth {
		return size, []string{s}
	}
	// Text width is proportional to the font size (no kerning, no
	// character spacing). Round down to keep the result inside maxWidth.
	if shrunk := float64(int(size*maxWidth/w*10)) / 10; shrunk >= minSize {
		return shrunk, []string{s}
	}
	lines := wrap([]rune(s), maxWidth, func(s string) float64 {
		return p.measure(family, minSize, s)
	})
	return minSize, lines
}

func (p *page) measure(family string, size float64, s string) float64 {
	if p.err != nil {
		return 0
	}
	if p.err = p.pdf.SetFont(family, "", size); p.err != nil {
		return 0
	}
	var w float64
	w, p.err = p.pdf.MeasureTextWidth(s)
	return w
}
