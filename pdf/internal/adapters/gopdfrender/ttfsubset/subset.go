// Package ttfsubset cuts a TrueType font down to the glyphs of a few
// characters, renumbering them, before a PDF library embeds it.
//
// gopdf embeds "subsets" that keep the font's glyph numbering, so it writes
// the whole hmtx and loca tables (four to eight bytes per glyph) and
// compresses them for every document: for a CJK font of 49,382 glyphs that
// is most of the document's size and render time. A font holding only the
// glyphs a document draws makes those tables a few hundred bytes.
//
// The subset also leaves out the TrueType hinting: the glyphs'
// instructions and the programs they call (fpgm, prep, cvt). Hinting fits
// outlines to a screen's pixel grid at small sizes; PDF viewers scale the
// outlines to any zoom, and the common ones draw them unhinted (pdf.js
// never runs the instructions; poppler only when asked to), and print has
// no grid worth fitting. In the Go fonts the
// instructions are half of every glyph's bytes, and gopdf compresses every
// byte of an embedded font again for each document.
package ttfsubset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// Font is a TrueType font read once: its tables and what the subsetter
// needs from them. It is read-only and safe for concurrent use.
type Font struct {
	tables    map[string][]byte
	numGlyphs int
	longLoca  bool
	numHM     int // hhea.numberOfHMetrics
}

// Parse reads the table directory of ttf (TrueType outlines only).
func Parse(ttf []byte) (*Font, error) {
	if len(ttf) < 12 || binary.BigEndian.Uint32(ttf) != 0x00010000 {
		return nil, errors.New("ttfsubset: not a TrueType font")
	}
	n := int(u16(ttf, 4))
	f := &Font{tables: map[string][]byte{}}
	for i := range n {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, errors.New("ttfsubset: truncated table directory")
		}
		off, length := int(u32(ttf, rec+8)), int(u32(ttf, rec+12))
		if off < 0 || length < 0 || off+length > len(ttf) {
			return nil, fmt.Errorf("ttfsubset: table %q out of bounds", ttf[rec:rec+4])
		}
		f.tables[string(ttf[rec:rec+4])] = ttf[off : off+length]
	}
	for _, tag := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "name", "OS/2", "post"} {
		if _, ok := f.tables[tag]; !ok {
			return nil, fmt.Errorf("ttfsubset: no %s table", tag)
		}
	}
	if len(f.tables["head"]) < 54 || len(f.tables["hhea"]) < 36 || len(f.tables["maxp"]) < 6 || len(f.tables["post"]) < 32 {
		return nil, errors.New("ttfsubset: truncated head, hhea, maxp or post")
	}
	f.longLoca = u16(f.tables["head"], 50) == 1
	f.numGlyphs = int(u16(f.tables["maxp"], 4))
	f.numHM = int(u16(f.tables["hhea"], 34))
	if f.numHM == 0 || len(f.tables["hmtx"]) < 4*f.numHM {
		return nil, errors.New("ttfsubset: bad hmtx")
	}
	return f, nil
}

// Subset returns a TrueType font with glyph 0 (.notdef), the glyph of each
// rune in glyphs (rune → glyph id in f), and the components of composite
// glyphs, renumbered in their original order, with a cmap (format 4) for
// exactly those runes, and without hinting. Runes must be in the Basic
// Multilingual Plane. The result is the same for the same input.
func (f *Font) Subset(glyphs map[rune]uint16) ([]byte, error) {
	old := []uint16{0}
	for _, g := range glyphs {
		old = append(old, g)
	}
	old, err := f.withComponents(old)
	if err != nil {
		return nil, err
	}
	newID := make(map[uint16]uint16, len(old))
	for i, g := range old {
		newID[g] = uint16(i)
	}
	glyf, offsets, err := f.glyfAndLoca(old, newID)
	if err != nil {
		return nil, err
	}
	locaTable, short := loca(offsets)
	tables := map[string][]byte{
		"head": f.head(short), "hhea": f.hhea(len(old)), "maxp": f.maxp(len(old)), "hmtx": f.hmtx(old),
		"loca": locaTable, "glyf": glyf, "cmap": cmap(glyphs, newID), "post": f.post(),
		"name": f.tables["name"], "OS/2": f.tables["OS/2"],
	}
	return write(tables), nil
}

// glyph returns the outline data of glyph g.
func (f *Font) glyph(g uint16) ([]byte, error) {
	if int(g) >= f.numGlyphs {
		return nil, fmt.Errorf("ttfsubset: glyph %d of %d", g, f.numGlyphs)
	}
	loca := f.tables["loca"]
	var start, end int
	if f.longLoca {
		if 4*int(g)+8 > len(loca) {
			return nil, errors.New("ttfsubset: truncated loca")
		}
		start, end = int(u32(loca, 4*int(g))), int(u32(loca, 4*int(g)+4))
	} else {
		if 2*int(g)+4 > len(loca) {
			return nil, errors.New("ttfsubset: truncated loca")
		}
		start, end = 2*int(u16(loca, 2*int(g))), 2*int(u16(loca, 2*int(g)+2))
	}
	glyf := f.tables["glyf"]
	if start > end || end > len(glyf) {
		return nil, fmt.Errorf("ttfsubset: glyph %d out of bounds", g)
	}
	return glyf[start:end], nil
}

// withComponents adds the components of composite glyphs, recursively,
// and returns the set sorted.
func (f *Font) withComponents(ids []uint16) ([]uint16, error) {
	seen := map[uint16]bool{}
	for len(ids) > 0 {
		g := ids[len(ids)-1]
		ids = ids[:len(ids)-1]
		if seen[g] {
			continue
		}
		seen[g] = true
		data, err := f.glyph(g)
		if err != nil {
			return nil, err
		}
		_, err = eachComponent(data, func(at int) { ids = append(ids, u16(data, at)) })
		if err != nil {
			return nil, err
		}
	}
	out := make([]uint16, 0, len(seen))
	for g := range seen {
		out = append(out, g)
	}
	slices.Sort(out)
	return out, nil
}

func u16(b []byte, at int) uint16 { return binary.BigEndian.Uint16(b[at:]) }
func u32(b []byte, at int) uint32 { return binary.BigEndian.Uint32(b[at:]) }
