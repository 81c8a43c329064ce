package gopdfrender

import "strings"

// wrap breaks s into lines no wider than maxWidth, as measured by width.
//
// It prefers the last break opportunity that leaves a line at least half
// full: after a space or hyphen, or before '@' or '.' (email addresses have
// no spaces). Failing that it breaks inside a word, since a 64-letter name
// must still end up on the page. Each line holds at least one character, so
// wrapping always ends. Spaces at a break are dropped, as in any wrapped text.
func wrap(s []rune, maxWidth float64, width func(string) float64) []string {
	var lines []string
	for len(s) > 0 {
		n := longestFit(s, maxWidth, width)
		if n < len(s) {
			if b := lastBreak(s, n); b >= (n+1)/2 {
				n = b
			}
		}
		if line := strings.TrimRight(string(s[:n]), " "); line != "" {
			lines = append(lines, line)
		}
		s = s[n:]
		for len(s) > 0 && s[0] == ' ' {
			s = s[1:]
		}
	}
	return lines
}

// longestFit returns the largest n ≥ 1 such that s[:n] fits in maxWidth (or
// 1 if not even one character fits). Widths grow with n, so binary search.
func longestFit(s []rune, maxWidth float64, width func(string) float64) int {
	lo, hi := 1, len(s)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if width(string(s[:mid])) <= maxWidth {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// lastBreak returns the largest i in [1, n] at which s may be broken into
// s[:i] and s[i:], or 0 if there is none.
func lastBreak(s []rune, n int) int {
	for i := n; i > 0; i-- {
		switch {
		case s[i-1] == ' ', s[i-1] == '-':
			return i
		case i < len(s) && (s[i] == ' ' || s[i] == '@' || s[i] == '.'):
			return i
		}
	}
	return 0
}
