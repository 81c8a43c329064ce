// Package arabicshape gives Arabic letters their joined forms by replacing
// them with Unicode presentation forms (initial, medial, final, isolated,
// and the lam-alef ligatures). A PDF library that maps characters to glyphs
// one to one, with no shaping engine, can then draw connected Arabic script
// with any font whose cmap maps the presentation forms.
//
// It works in logical order; reordering for display (bidi) comes after.
package arabicshape

import "unicode"

// Shape returns s with every Arabic letter in the table replaced by the
// presentation form its neighbours call for, lam followed by alef replaced
// by their ligature, and the zero-width joiner and non-joiner removed once
// they have had their effect. Other characters pass through unchanged, so
// text without Arabic comes back equal.
func Shape(s []rune) []rune {
	out := make([]rune, 0, len(s))
	for i := 0; i < len(s); i++ {
		r := s[i]
		if r == zwj || r == zwnj {
			continue
		}
		l, ok := letters[r]
		if !ok || l.isolated == 0 {
			out = append(out, r)
			continue
		}
		before := joinsForward(s, i)
		if r == lam && i+1 < len(s) {
			if lig, ok := lamAlef[s[i+1]]; ok {
				// The ligature joins only the letter before it, as alef does.
				if before {
					lig++
				}
				out = append(out, lig)
				i++
				continue
			}
		}
		out = append(out, l.form(before, joinsBackward(s, i)))
	}
	return out
}

// form picks the presentation form for a letter that joins the letter
// before it (in logical order: on its right) and/or the one after it.
func (l letter) form(before, after bool) rune {
	before = before && l.join != none
	after = after && l.join == dual
	switch {
	case before && after:
		return l.medial
	case before:
		return l.final
	case after:
		return l.initial
	}
	return l.isolated
}

// joinsForward reports whether the nearest non-mark character before s[i]
// reaches forward to join it.
func joinsForward(s []rune, i int) bool {
	for j := i - 1; j >= 0; j-- {
		if transparent(s[j]) {
			continue
		}
		return joinType(s[j]) == dual || joinType(s[j]) == cause
	}
	return false
}

// joinsBackward reports whether the nearest non-mark character after s[i]
// reaches back to join it.
func joinsBackward(s []rune, i int) bool {
	for j := i + 1; j < len(s); j++ {
		if transparent(s[j]) {
			continue
		}
		t := joinType(s[j])
		return t == dual || t == right || t == cause
	}
	return false
}

func joinType(r rune) joining {
	if r == zwj {
		return cause
	}
	return letters[r].join // none for anything not in the table, ZWNJ included
}

// transparent characters (the harakat and other combining marks) sit on a
// letter without breaking the join between its neighbours.
func transparent(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Me) }

// Forms returns every presentation form Shape can make of r, whatever its
// neighbours: its four positional forms and, for lam and the alefs, the
// lam-alef ligatures. A font subset made for some text can then draw
// whatever Shape makes of any part of that text (a wrapped line ends a
// word early). Characters Shape leaves alone have none.
func Forms(r rune) []rune {
	l := letters[r]
	var out []rune
	for _, f := range []rune{l.isolated, l.final, l.initial, l.medial} {
		if f != 0 && f != r {
			out = append(out, f)
		}
	}
	if lig, ok := lamAlef[r]; ok {
		out = append(out, lig, lig+1)
	}
	if r == lam {
		for _, lig := range lamAlef {
			out = append(out, lig, lig+1)
		}
	}
	return out
}
