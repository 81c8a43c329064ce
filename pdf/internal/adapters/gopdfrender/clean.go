package gopdfrender

import (
	"strings"
	"unicode"

	"golang.org/x/image/font/sfnt"
)

const (
	// replacementRune stands in for a character the font cannot draw, so
	// the reader sees that something was there.
	replacementRune = '?'
	// maxRunes bounds one field so that the layout stays on one page whatever
	// a token carries: the longest values the issue asks for (a 64-character
	// name, a 128-character email) are well below it.
	maxRunes = 256
	// ellipsis marks a field cut at maxRunes. The Go fonts have U+2026.
	ellipsis = "…"
)

// cleaner turns user-supplied text into text that can be drawn literally:
// whitespace of any kind becomes a plain space (a newline would otherwise
// be drawn as a missing glyph), other control characters and invisible
// format characters (zero-width space, bidi overrides) are dropped,
// characters the font lacks become replacementRune, and the ends are
// trimmed. It counts what it changed so that Render can log it.
//
// A cleaner belongs to one Render call: its sfnt.Buffer must not be shared.
type cleaner struct {
	// font is the font the text will be drawn with. When nil, any character
	// of the Basic Multilingual Plane is kept: that is what gopdf can encode
	// in the document information dictionary.
	font      *sfnt.Font
	buf       sfnt.Buffer
	missing   int // characters replaced because the font lacks them
	truncated int // values cut at maxRunes
}

func (c *cleaner) clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	for _, r := range s {
		if n == maxRunes {
			b.WriteString(ellipsis)
			c.truncated++
			break
		}
		switch {
		case unicode.IsSpace(r):
			r = ' '
		case unicode.In(r, unicode.Cc, unicode.Cf):
			continue
		case !c.canDraw(r):
			r = replacementRune
			c.missing++
		}
		b.WriteRune(r)
		n++
	}
	// Spaces at either end are invisible and would only leak into the
	// metadata title ("Profile_Lovelace ").
	return strings.Trim(b.String(), " ")
}

func (c *cleaner) canDraw(r rune) bool {
	if c.font == nil {
		// gopdf writes metadata as four hex digits per rune, which cannot
		// express characters beyond U+FFFF (they need surrogate pairs).
		return r <= 0xFFFF
	}
	// The sfnt cmap lookup answers 0 (.notdef) for a missing character.
	// gopdf's own lookup would quietly substitute a space instead.
	gi, err := c.font.GlyphIndex(&c.buf, r)
	return err == nil && gi != 0
}
