package domain

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Invisible characters make look-alike identities: "bob@example.com" and
// the same followed by U+200B print the same, and so do a name of two
// zero-width spaces and an empty one. Identities are compared and stored in
// NFC, so that the composed and decomposed spellings of "é" are one.

const (
	zwnj = '\u200C' // zero width non-joiner
	zwj  = '\u200D' // zero width joiner
)

// nfc returns s in Unicode normalisation form C.
func nfc(s string) string { return norm.NFC.String(s) }

// hasFormatChar reports whether s holds a format character (category Cf):
// zero-width spaces and joiners, bidi controls, soft hyphens, BOMs.
func hasFormatChar(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) {
			return true
		}
	}
	return false
}

// isBidiControl: the embeddings and overrides U+202A–U+202E, the isolates
// U+2066–U+2069 and the marks U+200E, U+200F, U+061C. They reorder how the
// text around them is shown, so "\u202Eevil" (the override, then
// "evil") can print as "live".
func isBidiControl(r rune) bool {
	return r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069' ||
		r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// joiningScripts are the scripts whose words need ZWJ or ZWNJ to be
// spelled right: Persian "می‌خواهم" takes a ZWNJ, Hindi and other Indic
// scripts take both to pick a conjunct's form.
var joiningScripts = []*unicode.RangeTable{
	unicode.Arabic, unicode.Syriac, unicode.Nko, unicode.Mongolian,
	unicode.Devanagari, unicode.Bengali, unicode.Gurmukhi, unicode.Gujarati, unicode.Oriya,
	unicode.Tamil, unicode.Telugu, unicode.Kannada, unicode.Malayalam, unicode.Sinhala,
	unicode.Myanmar, unicode.Khmer, unicode.Tibetan,
}

// nameRuneProblem says what is wrong with the format characters of a name,
// or returns "" when there is nothing wrong. A joiner is kept only between
// two characters of one joining script, the first a letter or a combining
// mark (Indic conjuncts put it after the virama), the second a letter.
func nameRuneProblem(name string) string {
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case !unicode.Is(unicode.Cf, r):
		case isBidiControl(r):
			return "must not contain bidirectional control characters (such as U+202E)"
		case (r == zwj || r == zwnj) && joinsScript(rs, i):
		default:
			return "must not contain invisible format characters (such as zero-width spaces)"
		}
	}
	return ""
}

// joinsScript reports whether the joiner at rs[i] sits inside a word of a
// script that needs joiners.
func joinsScript(rs []rune, i int) bool {
	if i == 0 || i == len(rs)-1 {
		return false
	}
	// Vowel signs shared by scripts (Arabic harakat) belong to the
	// Inherited script: the letter they sit on decides.
	j := i - 1
	for j > 0 && unicode.Is(unicode.Inherited, rs[j]) {
		j--
	}
	before, after := rs[j], rs[i+1]
	if !unicode.In(before, unicode.L, unicode.M) || !unicode.IsLetter(after) {
		return false
	}
	for _, script := range joiningScripts {
		if unicode.Is(script, before) && unicode.Is(script, after) {
			return true
		}
	}
	return false
}

// hasLetter reports whether s holds at least one letter, of any script.
func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
