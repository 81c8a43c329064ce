package gopdfrender

import (
	"strings"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"prana/pdf/internal/adapters/gopdfrender/arabicshape"
	"prana/pdf/internal/adapters/gopdfrender/bidiorder"
)

// run is text drawn with one face, left to right.
type run struct {
	face *face
	text string
}

// typesetter turns one line of cleaned text, in logical order, into runs
// in display order: Arabic letters take their joined forms, the line is
// reordered for right-to-left scripts, and each character gets the first
// face that has it (the Go font, else a fallback font for its script).
// A character no face has becomes replacementRune.
//
// A typesetter belongs to one Render call: its sfnt.Buffer must not be
// shared.
type typesetter struct {
	fonts   *fonts
	buf     sfnt.Buffer
	missing int // characters replaced, counted by count
	// faces remembers each character's face: wrapping typesets the same
	// text many times over.
	faces map[rune]*face
	// runes are the characters the document may draw (noted by count),
	// with every Arabic form of its Arabic letters: a fallback font is
	// embedded with the glyphs of these.
	runes []rune
	seen  map[rune]bool
}

// count typesets s once to count the characters no face can draw, and
// notes its characters.
func (t *typesetter) count(s string) {
	runs, _ := t.line(s)
	for _, r := range runs {
		if r.face == nil {
			t.missing += len([]rune(r.text))
		}
	}
	for _, r := range s {
		t.note(r)
		for _, f := range arabicshape.Forms(r) {
			t.note(f)
		}
	}
}

func (t *typesetter) note(r rune) {
	if t.seen == nil {
		t.seen = map[rune]bool{}
	}
	if !t.seen[r] {
		t.seen[r] = true
		t.runes = append(t.runes, r)
	}
}

// line returns s as runs in display order, and whether its base direction
// is right to left. A run with a nil face holds only replacement runes and
// is drawn with the Go font.
func (t *typesetter) line(s string) ([]run, bool) {
	if t.goFontOnly(s) {
		return []run{{t.fonts.regular, s}}, false
	}
	visual, rtl := bidiorder.Visual(arabicshape.Shape([]rune(s)))
	faces := make([]*face, len(visual))
	var prev *face
	for i, r := range visual {
		faces[i] = t.faceFor(r, prev)
		prev = faces[i]
	}
	t.unifyWords(visual, faces)
	return runsOf(visual, faces), rtl
}

// goFontOnly reports whether s is left-to-right text the Go font draws
// entirely, which is most profiles: such a line needs no shaping, no
// reordering and no run splitting, and so costs no allocations.
func (t *typesetter) goFontOnly(s string) bool {
	for _, r := range s {
		// Below U+0590 (Hebrew) no character is right to left or Arabic.
		if r >= 0x0590 || t.faceFor(r, nil) != t.fonts.regular {
			return false
		}
	}
	return true
}

// faceFor picks the face to draw r with. A combining mark stays with the
// face of its letter when that face has it.
func (t *typesetter) faceFor(r rune, prev *face) *face {
	if r > 0xFFFF {
		// gopdf writes the ToUnicode map with four hex digits per
		// character, so characters beyond U+FFFF (emoji) could not be
		// copied out correctly: they are replaced.
		return nil
	}
	if prev != nil && unicode.In(r, unicode.Mn, unicode.Me) && prev.has(&t.buf, r) {
		return prev
	}
	if f, ok := t.faces[r]; ok {
		return f
	}
	if t.faces == nil {
		t.faces = map[rune]*face{}
	}
	f := t.lookup(r)
	t.faces[r] = f
	return f
}

// lookup returns the first face that has r: the Go font, else a fallback
// font for r's script.
func (t *typesetter) lookup(r rune) *face {
	if t.fonts.regular.has(&t.buf, r) {
		return t.fonts.regular
	}
	for _, fb := range t.fonts.fallbacks {
		if !fb.covers(r) {
			continue
		}
		if f := fb.load(); f != nil && f.has(&t.buf, r) {
			return f
		}
	}
	return nil
}

// unifyWords draws a word that needs a fallback font for some letters
// wholly in that font when it has them all: "Nguyễn" in one typeface
// rather than Go letters around a Noto "ễ".
func (t *typesetter) unifyWords(text []rune, faces []*face) {
	for start := 0; start < len(text); {
		end := start
		for end < len(text) && text[end] != ' ' {
			end++
		}
		t.unifyWord(text[start:end], faces[start:end])
		start = end + 1
	}
}

func (t *typesetter) unifyWord(word []rune, faces []*face) {
	if len(faces) == 0 || allSame(faces) {
		return
	}
	for _, f := range faces {
		if f == nil || f == t.fonts.regular {
			continue
		}
		if t.hasAll(f, word) {
			for i := range faces {
				faces[i] = f
			}
			return
		}
	}
}

func (t *typesetter) hasAll(f *face, word []rune) bool {
	for _, r := range word {
		if !f.has(&t.buf, r) {
			return false
		}
	}
	return true
}

func allSame(faces []*face) bool {
	for _, f := range faces {
		if f != faces[0] {
			return false
		}
	}
	return true
}

// runsOf groups consecutive characters of one face into runs; characters
// without a face become replacement runes in a run of their own.
func runsOf(text []rune, faces []*face) []run {
	var runs []run
	var b strings.Builder
	for i, r := range text {
		if faces[i] == nil {
			r = replacementRune
		}
		b.WriteRune(r)
		if i == len(text)-1 || faces[i+1] != faces[i] {
			runs = append(runs, run{face: faces[i], text: b.String()})
			b.Reset()
		}
	}
	return runs
}
