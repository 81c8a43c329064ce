package ttfsubset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// Composite glyph flags (OpenType glyf table).
const (
	argsAreWords     = 0x0001
	haveScale        = 0x0008
	moreComponents   = 0x0020
	haveXYScale      = 0x0040
	haveTwoByTwo     = 0x0080
	haveInstructions = 0x0100
	componentHeader  = 4 // flags, glyphIndex
)

// eachComponent calls at with the offset of each component's glyph index
// in a composite glyph (its flags are the two bytes before), and returns
// where the components end: the composite's instructions, if any, follow.
// A simple glyph has no components and gives 0.
func eachComponent(data []byte, at func(int)) (int, error) {
	if len(data) < 10 || int16(u16(data, 0)) >= 0 {
		return 0, nil
	}
	for p := 10; ; {
		if p+componentHeader > len(data) {
			return 0, errors.New("ttfsubset: truncated composite glyph")
		}
		flags := u16(data, p)
		at(p + 2)
		p += componentHeader + 2
		if flags&argsAreWords != 0 {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComponents == 0 {
			if p > len(data) {
				return 0, errors.New("ttfsubset: truncated composite glyph")
			}
			return p, nil
		}
	}
}

// appendUnhinted appends glyph data without its TrueType instructions:
// a simple glyph keeps its outline with an instruction length of 0, a
// composite glyph its components without the instructions flag or the
// instructions after them. It returns the offset in the result of each
// component's glyph index, for renumbering.
func appendUnhinted(dst, data []byte) ([]byte, []int, error) {
	if len(data) == 0 {
		return dst, nil, nil // an empty glyph, such as the space
	}
	if len(data) < 10 {
		return nil, nil, errors.New("ttfsubset: truncated glyph")
	}
	start := len(dst)
	if contours := int16(u16(data, 0)); contours >= 0 {
		at := 10 + 2*int(contours)
		if at+2 > len(data) || at+2+int(u16(data, at)) > len(data) {
			return nil, nil, errors.New("ttfsubset: truncated glyph")
		}
		dst = append(dst, data[:at]...)
		dst = append(dst, 0, 0)
		return append(dst, data[at+2+int(u16(data, at)):]...), nil, nil
	}
	var ids []int
	end, err := eachComponent(data, func(at int) { ids = append(ids, start+at) })
	if err != nil {
		return nil, nil, err
	}
	dst = append(dst, data[:end]...)
	for _, at := range ids {
		flags := u16(dst, at-2) &^ haveInstructions
		binary.BigEndian.PutUint16(dst[at-2:], flags)
	}
	return dst, ids, nil
}

// glyfAndLoca copies the glyphs in their new order without instructions,
// renumbering the components of composite glyphs, and gives the offset of
// each, and of the end, for loca.
func (f *Font) glyfAndLoca(old []uint16, newID map[uint16]uint16) (glyf []byte, offsets []int, err error) {
	offsets = make([]int, len(old)+1)
	for i, g := range old {
		offsets[i] = len(glyf)
		data, err := f.glyph(g)
		if err != nil {
			return nil, nil, err
		}
		var ids []int
		if glyf, ids, err = appendUnhinted(glyf, data); err != nil {
			return nil, nil, fmt.Errorf("glyph %d: %w", g, err)
		}
		for _, at := range ids {
			binary.BigEndian.PutUint16(glyf[at:], newID[u16(glyf, at)])
		}
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	offsets[len(old)] = len(glyf)
	return glyf, offsets, nil
}

// maxShortLoca is the largest glyf table a short loca can index: it holds
// offsets halved, in 16 bits.
const maxShortLoca = 2 * 0xFFFF

// loca writes the glyph offsets in the short format (half of each, two
// bytes; the glyphs are padded to four bytes, so every offset is even)
// when they fit, else the long one, and says which.
func loca(offsets []int) (table []byte, short bool) {
	if short = offsets[len(offsets)-1] <= maxShortLoca; short {
		table = make([]byte, 2*len(offsets))
		for i, off := range offsets {
			binary.BigEndian.PutUint16(table[2*i:], uint16(off/2))
		}
		return table, true
	}
	table = make([]byte, 4*len(offsets))
	for i, off := range offsets {
		binary.BigEndian.PutUint32(table[4*i:], uint32(off))
	}
	return table, false
}

// hmtx gives every new glyph its own advance and left side bearing.
func (f *Font) hmtx(old []uint16) []byte {
	src := f.tables["hmtx"]
	out := make([]byte, 4*len(old))
	for i, g := range old {
		var adv, lsb uint16
		if int(g) < f.numHM {
			adv, lsb = u16(src, 4*int(g)), u16(src, 4*int(g)+2)
		} else {
			adv = u16(src, 4*(f.numHM-1))
			if at := 4*f.numHM + 2*(int(g)-f.numHM); at+2 <= len(src) {
				lsb = u16(src, at)
			}
		}
		binary.BigEndian.PutUint16(out[4*i:], adv)
		binary.BigEndian.PutUint16(out[4*i+2:], lsb)
	}
	return out
}

func (f *Font) head(shortLoca bool) []byte {
	h := slices.Clone(f.tables["head"])
	binary.BigEndian.PutUint32(h[8:], 0) // checkSumAdjustment: not checked by PDF readers
	var format uint16 = 1                // indexToLocFormat
	if shortLoca {
		format = 0
	}
	binary.BigEndian.PutUint16(h[50:], format)
	return h
}

func (f *Font) hhea(n int) []byte {
	h := slices.Clone(f.tables["hhea"])
	binary.BigEndian.PutUint16(h[34:], uint16(n))
	return h
}

func (f *Font) maxp(n int) []byte {
	m := slices.Clone(f.tables["maxp"])
	binary.BigEndian.PutUint16(m[4:], uint16(n))
	return m
}

// post keeps the metrics and drops the glyph names (format 3), which are
// numbered by glyph.
func (f *Font) post() []byte {
	p := slices.Clone(f.tables["post"][:32])
	binary.BigEndian.PutUint32(p, 0x00030000)
	return p
}

// cmap maps each rune to its new glyph: a Windows Unicode BMP subtable
// (3, 1) in format 4, one segment per rune, and the closing segment.
func cmap(glyphs map[rune]uint16, newID map[uint16]uint16) []byte {
	runes := make([]rune, 0, len(glyphs))
	for r := range glyphs {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	seg := len(runes) + 1
	sub := make([]byte, 16+8*seg)
	put := func(at int, v uint16) { binary.BigEndian.PutUint16(sub[at:], v) }
	put(0, 4)
	put(2, uint16(len(sub)))
	put(6, uint16(2*seg))
	sr := 1
	for sr*2 <= seg {
		sr *= 2
	}
	put(8, uint16(2*sr))
	es := 0
	for 1<<(es+1) <= sr {
		es++
	}
	put(10, uint16(es))
	put(12, uint16(2*seg-2*sr))
	ends, starts, deltas := 14, 16+2*seg, 16+4*seg
	for i, r := range runes {
		put(ends+2*i, uint16(r))
		put(starts+2*i, uint16(r))
		put(deltas+2*i, newID[glyphs[r]]-uint16(r))
	}
	put(ends+2*len(runes), 0xFFFF)
	put(starts+2*len(runes), 0xFFFF)
	put(deltas+2*len(runes), 1)
	// idRangeOffsets stay 0.
	head := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}
	return append(head, sub...)
}

// write assembles a font file from its tables, in tag order.
func write(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	n := len(tags)
	es := 0
	for 1<<(es+1) <= n {
		es++
	}
	out := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(out, 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(16<<es))
	binary.BigEndian.PutUint16(out[8:], uint16(es))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-16<<es))
	for i, tag := range tags {
		data := tables[tag]
		rec := 12 + 16*i
		copy(out[rec:], tag)
		binary.BigEndian.PutUint32(out[rec+4:], checksum(data))
		binary.BigEndian.PutUint32(out[rec+8:], uint32(len(out)))
		binary.BigEndian.PutUint32(out[rec+12:], uint32(len(data)))
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
