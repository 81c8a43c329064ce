package bidiorder

import "golang.org/x/text/unicode/bidi"

// levels returns the embedding level of each rune of line and whether the
// paragraph is right to left. ok is false if the bidi package fails.
//
// golang.org/x/text/unicode/bidi resolves the levels but reports only each
// run's direction, not its level, and leaves the runs in logical order. For
// one line of plain text (no explicit embeddings: the renderer drops those
// controls) the levels follow from the directions: runs in the paragraph's
// own direction are at its level, the others one above; digits among
// right-to-left text in a left-to-right line sit at level 2.
func levels(line []rune) (lv []int, rtl, ok bool) {
	defer func() {
		if recover() != nil { // the package is marked as under development
			lv, rtl, ok = nil, false, false
		}
	}()
	var p bidi.Paragraph
	if _, err := p.SetString(string(line)); err != nil {
		return nil, false, false
	}
	o, err := p.Order()
	if err != nil {
		return nil, false, false
	}
	rtl = firstStrongIsRTL(line)
	base := 0
	if rtl {
		base = 1
	}
	lv = make([]int, 0, len(line))
	for i := range o.NumRuns() {
		run := o.Run(i)
		l := base
		if (run.Direction() == bidi.RightToLeft) != rtl {
			l++
		}
		if !rtl && run.Direction() == bidi.LeftToRight && betweenRTL(o, i) && !hasStrong(run.String()) {
			l = 2
		}
		for range []rune(run.String()) {
			lv = append(lv, l)
		}
	}
	return lv, rtl, len(lv) == len(line)
}

// firstStrongIsRTL applies rules P2 and P3: the first letter with a strong
// direction decides the paragraph's.
func firstStrongIsRTL(line []rune) bool {
	for _, r := range line {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.L:
			return false
		case bidi.R, bidi.AL:
			return true
		}
	}
	return false
}

// betweenRTL reports whether run i has right-to-left runs on both sides.
func betweenRTL(o bidi.Ordering, i int) bool {
	if i == 0 || i == o.NumRuns()-1 {
		return false
	}
	prev, next := o.Run(i-1), o.Run(i+1)
	return prev.Direction() == bidi.RightToLeft && next.Direction() == bidi.RightToLeft
}

func hasStrong(s string) bool {
	for _, r := range s {
		if p, _ := bidi.LookupRune(r); p.Class() == bidi.L {
			return true
		}
	}
	return false
}
