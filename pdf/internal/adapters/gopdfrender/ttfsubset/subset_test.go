package ttfsubset_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"prana/pdf/internal/adapters/gopdfrender/ttfsubset"
)

// fonts: the Go font is always there; the fallback fonts when installed
// (make test-deps), to cover a CJK font and composite glyphs.
func fonts(t *testing.T) map[string][]byte {
	m := map[string][]byte{"goregular": goregular.TTF}
	for _, p := range []string{
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		"/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
		"/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
		"/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
	} {
		if b, err := os.ReadFile(p); err == nil {
			m[p] = b
		}
	}
	return m
}

// TestSubsetKeepsGlyphsAndMetrics: the subset maps each rune to a glyph
// with the same advance and the same outline as in the whole font, gopdf
// accepts it, and it is far smaller.
func TestSubsetKeepsGlyphsAndMetrics(t *testing.T) {
	t.Parallel()
	text := []rune("Aé王小明花子山田김민준ﻣﺤﻤﺪﻋﻠﻲễ★")
	for name, ttf := range fonts(t) {
		t.Run(name, func(t *testing.T) {
			whole, err := sfnt.Parse(ttf)
			if err != nil {
				t.Fatal(err)
			}
			var buf sfnt.Buffer
			glyphs := map[rune]uint16{}
			for _, r := range text {
				if g, _ := whole.GlyphIndex(&buf, r); g != 0 {
					glyphs[r] = uint16(g)
				}
			}
			f, err := ttfsubset.Parse(ttf)
			if err != nil {
				t.Fatal(err)
			}
			sub, err := f.Subset(glyphs)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := f.Subset(glyphs)
			if !bytes.Equal(sub, again) {
				t.Error("two subsets of the same glyphs differ")
			}
			part, err := sfnt.Parse(sub)
			if err != nil {
				t.Fatalf("subset does not parse: %v", err)
			}
			var pbuf sfnt.Buffer
			for r, g := range glyphs {
				pg, err := part.GlyphIndex(&pbuf, r)
				if err != nil || pg == 0 {
					t.Fatalf("%q not mapped in the subset (%v)", r, err)
				}
				wa, _ := whole.GlyphAdvance(&buf, sfnt.GlyphIndex(g), fixed.I(1000), font.HintingNone)
				pa, _ := part.GlyphAdvance(&pbuf, pg, fixed.I(1000), font.HintingNone)
				if wa != pa {
					t.Errorf("%q: advance %v in the subset, %v in the font", r, pa, wa)
				}
				wseg, err1 := whole.LoadGlyph(&buf, sfnt.GlyphIndex(g), fixed.I(1000), nil)
				wn := len(wseg)
				pseg, err2 := part.LoadGlyph(&pbuf, pg, fixed.I(1000), nil)
				if err1 != nil || err2 != nil || wn != len(pseg) {
					t.Errorf("%q: outline of %d segments (%v), want %d (%v)", r, len(pseg), err2, wn, err1)
				}
			}
			if err := (&gopdf.FontContainer{}).AddTTFFontData("x", sub); err != nil {
				t.Errorf("gopdf refuses the subset: %v", err)
			}
			if len(sub) > len(ttf)/4 && len(ttf) > 1<<20 {
				t.Errorf("subset of %d glyphs is %d bytes of %d", len(glyphs), len(sub), len(ttf))
			}
		})
	}
}

func TestParseRefusesWhatIsNotTrueType(t *testing.T) {
	t.Parallel()
	for _, b := range [][]byte{nil, []byte("OTTO0000000000000000"), goregular.TTF[:40]} {
		if _, err := ttfsubset.Parse(b); err == nil {
			t.Errorf("Parse(%.8q…) accepted it", b)
		}
	}
}
