package gopdfrender

import (
	"fmt"
	"log/slog"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"prana/pdf"
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

// face is a font a document can draw with: its gopdf family, the container
// holding it parsed for gopdf, and the same font parsed by sfnt, to look up
// which characters it has.
type face struct {
	family    string
	container *gopdf.FontContainer
	font      *sfnt.Font
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
		face   **face
	}{
		{familyRegular, goregular.TTF, &f.regular},
		{familyBold, gobold.TTF, &f.bold},
	} {
		if err := f.container.AddTTFFontDataWithOption(g.family, g.ttf, ttfOption()); err != nil {
			return nil, fmt.Errorf("load font %s for gopdf: %w", g.family, err)
		}
		parsed, err := sfnt.Parse(g.ttf)
		if err != nil {
			return nil, fmt.Errorf("parse font %s: %w", g.family, err)
		}
		*g.face = &face{family: g.family, container: f.container, font: parsed}
	}
	f.fallbacks = findFallbacks(pdf.FallbackFonts(), dirs, log)
	return f, nil
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
// first draws with it, so a Latin-only profile carries none.
func (f *face) add(pdf *gopdf.GoPdf) error {
	if err := pdf.AddTTFFontFromFontContainer(f.family, f.container); err != nil {
		return fmt.Errorf("add font %s: %w", f.family, err)
	}
	return nil
}
