package ttfsubset_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"slices"
	"strings"
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
	for name, ttf := range fonts(t) {
		t.Run(name, func(t *testing.T) {
			whole, glyphs := glyphsOf(t, ttf, "Aé王小明花子山田김민준ﻣﺤﻤﺪﻋﻠﻲễ★")
			sub := subsetOf(t, ttf, glyphs)
			if again := subsetOf(t, ttf, glyphs); !bytes.Equal(sub, again) {
				t.Error("two subsets of the same glyphs differ")
			}
			sameGlyphs(t, whole, sub, glyphs)
			if err := (&gopdf.FontContainer{}).AddTTFFontData("x", sub); err != nil {
				t.Errorf("gopdf refuses the subset: %v", err)
			}
			if len(sub) > len(ttf)/4 && len(ttf) > 1<<20 {
				t.Errorf("subset of %d glyphs is %d bytes of %d", len(glyphs), len(sub), len(ttf))
			}
		})
	}
}

// TestSubsetDropsHinting: no hinting program is left, and no glyph keeps
// instructions (the outlines are compared in the test above).
func TestSubsetDropsHinting(t *testing.T) {
	t.Parallel()
	for name, ttf := range fonts(t) {
		t.Run(name, func(t *testing.T) {
			_, glyphs := glyphsOf(t, ttf, "Aé王花ﻣễ★Åǻ") // Å and ǻ are composite glyphs in many fonts
			tables := tableDirectory(t, subsetOf(t, ttf, glyphs))
			for _, tag := range []string{"fpgm", "prep", "cvt "} {
				if _, ok := tables[tag]; ok {
					t.Errorf("the subset keeps the hinting table %q", tag)
				}
			}
			for i, g := range glyphData(tables) {
				if n := instructionBytes(t, g); n != 0 {
					t.Errorf("glyph %d keeps %d bytes of instructions", i, n)
				}
			}
		})
	}
}

// glyphsOf parses ttf and looks up the glyph of each rune of text it has.
func glyphsOf(t *testing.T, ttf []byte, text string) (*sfnt.Font, map[rune]uint16) {
	t.Helper()
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
	return whole, glyphs
}

// subsetOf is ttf cut down to glyphs.
func subsetOf(t *testing.T, ttf []byte, glyphs map[rune]uint16) []byte {
	t.Helper()
	f, err := ttfsubset.Parse(ttf)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := f.Subset(glyphs)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// sameGlyphs checks that sub maps each rune of glyphs to a glyph with the
// advance and the outline it has in whole.
func sameGlyphs(t *testing.T, whole *sfnt.Font, sub []byte, glyphs map[rune]uint16) {
	t.Helper()
	part, err := sfnt.Parse(sub)
	if err != nil {
		t.Fatalf("subset does not parse: %v", err)
	}
	var buf, pbuf sfnt.Buffer
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
		wseg = slices.Clone(wseg)
		pseg, err2 := part.LoadGlyph(&pbuf, pg, fixed.I(1000), nil)
		if err1 != nil || err2 != nil || !slices.Equal(wseg, pseg) {
			t.Errorf("%q: outline of %d segments (%v) differs from the font's %d (%v)", r, len(pseg), err2, len(wseg), err1)
		}
	}
}

// tableDirectory returns a font's tables by tag.
func tableDirectory(t *testing.T, ttf []byte) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	for i := range int(binary.BigEndian.Uint16(ttf[4:])) {
		rec := ttf[12+16*i:]
		off, n := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		m[string(rec[:4])] = ttf[off : off+n]
	}
	return m
}

// TestSubsetLocaFormats: a subset uses the two-byte loca while its glyphs
// fit under 128 KB, and the four-byte one beyond; either way every glyph
// keeps its outline.
func TestSubsetLocaFormats(t *testing.T) {
	t.Parallel()
	ttf, err := os.ReadFile("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
	if err != nil {
		t.Fatalf("the CJK fallback font is missing (make test-deps): %v", err)
	}
	for _, tc := range []struct {
		name string
		n    int // Han characters from U+4E00 on
		long bool
	}{{"few glyphs", 20, false}, {"thousands of glyphs", 4000, true}} {
		t.Run(tc.name, func(t *testing.T) {
			var text strings.Builder
			for r := rune(0x4E00); r < 0x4E00+rune(tc.n); r++ {
				text.WriteRune(r)
			}
			whole, glyphs := glyphsOf(t, ttf, text.String())
			sub := subsetOf(t, ttf, glyphs)
			tables := tableDirectory(t, sub)
			if long := binary.BigEndian.Uint16(tables["head"][50:]) == 1; long != tc.long {
				t.Errorf("long loca: %v, want %v (glyf of %d bytes)", long, tc.long, len(tables["glyf"]))
			}
			sameGlyphs(t, whole, sub, glyphs)
		})
	}
}

// glyphData splits a font's glyf table by its loca, in either format.
func glyphData(tables map[string][]byte) [][]byte {
	loca, glyf := tables["loca"], tables["glyf"]
	offset := func(i int) uint32 { return 2 * uint32(binary.BigEndian.Uint16(loca[2*i:])) }
	n := len(loca)/2 - 1
	if binary.BigEndian.Uint16(tables["head"][50:]) == 1 {
		offset = func(i int) uint32 { return binary.BigEndian.Uint32(loca[4*i:]) }
		n = len(loca)/4 - 1
	}
	var out [][]byte
	for i := range n {
		out = append(out, glyf[offset(i):offset(i+1)])
	}
	return out
}

// instructionBytes is the instruction length of a simple glyph, or, for a
// composite, 1 when a component asks for instructions.
func instructionBytes(t *testing.T, g []byte) int {
	t.Helper()
	if len(g) == 0 {
		return 0
	}
	contours := int16(binary.BigEndian.Uint16(g))
	if contours >= 0 {
		return int(binary.BigEndian.Uint16(g[10+2*int(contours):]))
	}
	for p := 10; ; {
		flags := binary.BigEndian.Uint16(g[p:])
		if flags&0x0100 != 0 {
			return 1
		}
		p += 4 + 2
		if flags&0x0001 != 0 {
			p += 2
		}
		switch {
		case flags&0x0008 != 0:
			p += 2
		case flags&0x0040 != 0:
			p += 4
		case flags&0x0080 != 0:
			p += 8
		}
		if flags&0x0020 == 0 {
			return 0
		}
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
