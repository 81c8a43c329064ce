package gopdfrender

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
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
// it is put in NFC (so "e" plus a combining accent is the one character
// fonts have), whitespace of any kind becomes a plain space (a newline
// would otherwise be drawn as a missing glyph), other control characters
// and invisible format characters (zero-width space, bidi overrides) are
// dropped, and the ends are trimmed. The zero-width joiner and non-joiner
// stay: they decide how Arabic letters join, and the typesetter removes
// them. Which characters a font can draw is the typesetter's business. It
// counts what it changed so that Render can log it.
type cleaner struct {
	// metadata: the text goes into the document information dictionary,
	// where gopdf can encode only characters of the Basic Multilingual
	// Plane; others become replacementRune.
	metadata  bool
	missing   int // characters replaced (metadata only)
	truncated int // values cut at maxRunes
}

func (c *cleaner) clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	for _, r := range norm.NFC.String(s) {
		if n == maxRunes {
			b.WriteString(ellipsis)
			c.truncated++
			break
		}
		switch {
		case unicode.IsSpace(r):
			r = ' '
		case r == zwnj || r == zwj:
		case unicode.In(r, unicode.Cc, unicode.Cf):
			continue
		case c.metadata && r > 0xFFFF:
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

const (
	zwnj = '\u200C' // zero-width non-joiner
	zwj  = '\u200D' // zero-width joiner
)
