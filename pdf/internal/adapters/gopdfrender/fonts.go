package gopdfrender

import (
	"fmt"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
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

// fonts holds what New prepares once and every Render shares read-only: the
// fonts parsed for gopdf, and the same fonts parsed by sfnt to look up which
// characters they can draw.
type fonts struct {
	container *gopdf.FontContainer
	regular   *sfnt.Font
	bold      *sfnt.Font
}

func loadFonts() (*fonts, error) {
	// gopdf turns a missing glyph into a space. Render replaces such
	// characters with '?' before drawing (see cleaner), so this is only a
	// safety net: should the two cmap readers ever disagree, the reader
	// still sees that something was there.
	opt := gopdf.TtfOption{
		Style:                     gopdf.Regular,
		OnGlyphNotFoundSubstitute: func(rune) rune { return replacementRune },
	}
	f := &fonts{container: &gopdf.FontContainer{}}
	for _, face := range []struct {
		family string
		ttf    []byte
		parsed **sfnt.Font
	}{
		{familyRegular, goregular.TTF, &f.regular},
		{familyBold, gobold.TTF, &f.bold},
	} {
		if err := f.container.AddTTFFontDataWithOption(face.family, face.ttf, opt); err != nil {
			return nil, fmt.Errorf("load font %s for gopdf: %w", face.family, err)
		}
		parsed, err := sfnt.Parse(face.ttf)
		if err != nil {
			return nil, fmt.Errorf("parse font %s: %w", face.family, err)
		}
		*face.parsed = parsed
	}
	return f, nil
}

// addTo registers both families with a fresh document. gopdf copies the
// parsed font out of the container, so documents never share mutable state.
func (f *fonts) addTo(pdf *gopdf.GoPdf) error {
	for _, family := range []string{familyRegular, familyBold} {
		if err := pdf.AddTTFFontFromFontContainer(family, f.container); err != nil {
			return fmt.Errorf("add font %s: %w", family, err)
		}
	}
	return nil
}
