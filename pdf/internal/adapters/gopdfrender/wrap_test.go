package gopdfrender

import (
	"slices"
	"testing"
	"unicode/utf8"
)

func TestWrap(t *testing.T) {
	t.Parallel()
	// One unit per character keeps the expectations readable.
	width := func(s string) float64 { return float64(utf8.RuneCountInString(s)) }
	for _, tc := range []struct {
		name, in string
		max      float64
		want     []string
	}{
		{"fits", "Ada Lovelace", 12, []string{"Ada Lovelace"}},
		{"at a space", "Ada King Lovelace", 10, []string{"Ada King", "Lovelace"}},
		{"spaces at the break go", "Ada   Lovelace", 6, []string{"Ada", "Lovela", "ce"}},
		{"after a hyphen", "Rimsky-Korsakov", 10, []string{"Rimsky-", "Korsakov"}},
		{"before @", "first.last@example.com", 11, []string{"first.last", "@example", ".com"}},
		{"inside a word", "WWWWWWWWWWWWWWWWWWWW", 8, []string{"WWWWWWWW", "WWWWWWWW", "WWWW"}},
		{"early break point is ignored", "Al Maximilianus", 10, []string{"Al Maximil", "ianus"}},
		{"multi-byte", "ЩЩЩЩЩЩЩЩЩЩ", 4, []string{"ЩЩЩЩ", "ЩЩЩЩ", "ЩЩ"}},
		{"narrower than one character", "ab", 0.5, []string{"a", "b"}},
		{"empty", "", 10, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := wrap([]rune(tc.in), tc.max, width)
			if !slices.Equal(got, tc.want) {
				t.Errorf("wrap(%q, %v) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}
