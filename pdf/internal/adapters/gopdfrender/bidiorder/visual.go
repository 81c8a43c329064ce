// Package bidiorder lays out one line of text in display order, left to
// right, with the Unicode bidirectional algorithm (through
// golang.org/x/text/unicode/bidi), so that a PDF library that draws
// characters left to right shows Hebrew, Arabic and Persian correctly and
// keeps each run of a mixed line, such as "Dana דנה", in its own direction.
package bidiorder

import (
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// Visual returns line (one line of text, in logical order) in the order its
// characters are to be drawn from left to right, and whether the line's
// base direction is right to left (its first strong character is Hebrew,
// Arabic…), which is how the line should be aligned. Combining marks stay
// after their base character and brackets in right-to-left runs are
// mirrored, so "(" still opens what it encloses.
func Visual(line []rune) (visual []rune, rtl bool) {
	lv, rtl, ok := levels(line)
	if !ok {
		return line, false // text the algorithm cannot order is drawn as typed
	}
	cs := clusters(line, lv)
	reorder(cs)
	visual = make([]rune, 0, len(line))
	for _, c := range cs {
		for i, r := range c.runes {
			if i == 0 && c.level%2 == 1 {
				r = mirror(r)
			}
			visual = append(visual, r)
		}
	}
	return visual, rtl
}

// cluster is a base character and the combining marks on it: it moves as
// one when a run is reversed.
type cluster struct {
	runes []rune
	level int
}

func clusters(line []rune, lv []int) []cluster {
	var cs []cluster
	for i, r := range line {
		if len(cs) > 0 && unicode.In(r, unicode.Mn, unicode.Me) {
			last := &cs[len(cs)-1]
			last.runes = last.runes[:len(last.runes)+1]
			continue
		}
		cs = append(cs, cluster{runes: line[i : i+1 : i+1+marksAfter(line, i)], level: lv[i]})
	}
	return cs
}

// marksAfter counts the combining marks that follow line[i].
func marksAfter(line []rune, i int) int {
	n := 0
	for j := i + 1; j < len(line) && unicode.In(line[j], unicode.Mn, unicode.Me); j++ {
		n++
	}
	return n
}

// reorder applies rule L2: from the highest level down to the lowest odd
// one, reverse every maximal sequence at that level or above.
func reorder(cs []cluster) {
	top, lowOdd := 0, 1<<30
	for _, c := range cs {
		top = max(top, c.level)
		if c.level%2 == 1 {
			lowOdd = min(lowOdd, c.level)
		}
	}
	for l := top; l >= lowOdd; l-- {
		for i := 0; i < len(cs); {
			if cs[i].level < l {
				i++
				continue
			}
			j := i
			for j < len(cs) && cs[j].level >= l {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				cs[a], cs[b] = cs[b], cs[a]
			}
			i = j
		}
	}
}

// mirror swaps a bracket for its counterpart (rule L4).
func mirror(r rune) rune {
	if p, _ := bidi.LookupRune(r); p.IsBracket() {
		return []rune(bidi.ReverseString(string(r)))[0]
	}
	return r
}
