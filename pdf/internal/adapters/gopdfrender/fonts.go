package gopdfrender

import (
	"fmt"
	"log/slog"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"prana/pdf"
	"prana/pdf/internal/adapters/gopdfrender/ttfsubset"
)

// Family names the Go fonts are registered under. gopdf keys its fonts by
// family, so bold is a family of its own rather than a style of the regular
// one. gopdf also uses the family as the PDF BaseFont name, and it embeds
// only the glyphs a document uses, so the names carry the six-letter
// subset tag the PDF spec asks for (ISO 32000-1, 9.6.4): it tells viewers
// not to swap in an installed, complete Go font. The tags are fixed, not
// random, to keep the output deterministic.
const (
	familyRegular = "PRNAGR+GoRegular"
	familyBold    = "PRNAGB+GoBold"
)

// face is a font a document can draw with: its gopdf family, and the same
// font parsed by sfnt, to look up which characters it has. A Go font is
// held parsed for gopdf in container; a fallback font is cut down for each
// document to the glyphs it draws (sub), since gopdf would otherwise write
// tables sized by the whole font's glyph count into every document.
type face struct {
	family    string
	font      *sfnt.Font
	container *gopdf.FontContainer // Go fonts
	sub       *ttfsubset.Font      // fallback fonts
}

// has reports whether the font maps r to a glyph. The sfnt cmap lookup
// answers 0 (.notdef) for a missing character; gopdf's own lookup would
// quietly substitute instead. buf must not be shared between goroutines.
func (f *face) has(buf *sfnt.Buffer, r rune) bool {
	gi, err := f.font.GlyphIndex(buf, r)
	return err == nil && gi != 0
}

// fonts holds what New prepares once and every Render shares read-only:
// the Go fonts, parsed at start (they are compiled in), and the fallback
// fonts, each parsed the first time a document needs it.
type fonts struct {
	container *gopdf.FontContainer
	regular   *face
	bold      *face
	fallbacks []*fallback
}

func loadFonts(dirs []string, log *slog.Logger) (*fonts, error) {
	f := &fonts{container: &gopdf.FontContainer{}}
	for _, g := range []struct {
		family string
		ttf    []byte
		last   rune // the last character embedded
		face   **face
	}{
		{familyRegular, goregular.TTF, 0xFFFF, &f.regular},
		// Bold draws only the document's own headings and labels.
		{familyBold, gobold.TTF, '~', &f.bold},
	} {
		parsed, err := sfnt.Parse(g.ttf)
		if err != nil {
			return nil, fmt.Errorf("parse font %s: %w", g.family, err)
		}
		ttf, err := unhinted(parsed, g.ttf, g.last)
		if err != nil {
			return nil, fmt.Errorf("font %s: %w", g.family, err)
		}
		if err := f.container.AddTTFFontDataWithOption(g.family, ttf, ttfOption()); err != nil {
			return nil, fmt.Errorf("load font %s for gopdf: %w", g.family, err)
		}
		*g.face = &face{family: g.family, font: parsed, container: f.container}
	}
	f.fallbacks = findFallbacks(pdf.FallbackFonts(), dirs, log)
	return f, nil
}

// unhinted is a Go font as the documents embed it: the characters it has
// from the space to last, without hinting. Every document compresses the
// font's glyph metrics and the glyphs it draws again: the hinting was over
// half of those bytes (see package ttfsubset), and each glyph left out
// saves eight more.
func unhinted(parsed *sfnt.Font, ttf []byte, last rune) ([]byte, error) {
	sub, err := ttfsubset.Parse(ttf)
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	glyphs := map[rune]uint16{}
	for r := rune(' '); r <= last; r++ {
		if g, err := parsed.GlyphIndex(&buf, r); err == nil && g != 0 {
			glyphs[r] = uint16(g)
		}
	}
	return sub.Subset(glyphs)
}

// ttfOption is how every font is given to gopdf. gopdf turns a missing
// glyph into a space; the typesetter replaces such characters with '?'
// before drawing, so this is only a safety net: should the two cmap readers
// ever disagree, the reader still sees that something was there.
func ttfOption() gopdf.TtfOption {
	return gopdf.TtfOption{
		Style:                     gopdf.Regular,
		OnGlyphNotFoundSubstitute: func(rune) rune { return replacementRune },
	}
}

// add registers a face with a document. gopdf copies the parsed font out
// of the container, so documents never share mutable state. The Go fonts
// are added to every document; a fallback font only when the document
// first draws with it, so a Latin-only profile carries none, and then only
// with the glyphs of runes (the document's characters).
func (f *face) add(pdf *gopdf.GoPdf, buf *sfnt.Buffer, runes []rune) error {
	c := f.container
	if f.sub != nil {
		var err error
		if c, err = f.subset(buf, runes); err != nil {
			return fmt.Errorf("add font %s: %w", f.family, err)
		}
	}
	if err := pdf.AddTTFFontFromFontContainer(f.family, c); err != nil {
		return fmt.Errorf("add font %s: %w", f.family, err)
	}
	return nil
}

// subset parses, for gopdf, the font cut down to the glyphs of runes.
func (f *face) subset(buf *sfnt.Buffer, runes []rune) (*gopdf.FontContainer, error) {
	glyphs := map[rune]uint16{}
	for _, r := range runes {
		if g, err := f.font.GlyphIndex(buf, r); err == nil && g != 0 && r <= 0xFFFF {
			glyphs[r] = uint16(g)
		}
	}
	ttf, err := f.sub.Subset(glyphs)
	if err != nil {
		return nil, err
	}
	c := &gopdf.FontContainer{}
	if err := c.AddTTFFontDataWithOption(f.family, ttf, ttfOption()); err != nil {
		return nil, fmt.Errorf("gopdf: %w", err)
	}
	return c, nil
}
