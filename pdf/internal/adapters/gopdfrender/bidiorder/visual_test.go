package bidiorder_test

import (
	"testing"

	"prana/pdf/internal/adapters/gopdfrender/bidiorder"
)

func TestVisual(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		rtl      bool
	}{
		{"Ada Lovelace", "Ada Lovelace", false},
		{"", "", false},
		{"דנה", "הנד", true},
		// Two right-to-left words: the whole line is reversed.
		{"דוד כהן", "ןהכ דוד", true},
		// A mixed name keeps each run in its own direction; the first
		// strong letter sets the line's direction.
		{"Dana דנה", "Dana הנד", false},
		{"דנה Dana", "Dana הנד", true},
		{"محمد Ali", "Ali دمحم", true},
		// Digits keep their order inside right-to-left text.
		{"דנה 12", "12 הנד", true},
		{"Dana דנה 12 כהן", "Dana ןהכ 12 הנד", false},
		// Brackets are mirrored, so they still enclose the same word.
		{"דנה (דוד)", "(דוד) הנד", true},
		// Points and harakat stay after the letter they sit on.
		{"שָׁלוֹם", "םוֹלשָׁ", true},
		{"مَحمد", "دمحمَ", true},
		// Neutral text only: left to right.
		{"123 - 456", "123 - 456", false},
	} {
		got, rtl := bidiorder.Visual([]rune(tc.in))
		if string(got) != tc.want || rtl != tc.rtl {
			t.Errorf("Visual(%q) = %q, rtl %v; want %q, rtl %v", tc.in, string(got), rtl, tc.want, tc.rtl)
		}
	}
}

func FuzzVisual(f *testing.F) {
	f.Add("Dana דנה (12) محمد")
	f.Add("\u202e\u2067x\u2069")
	f.Fuzz(func(t *testing.T, s string) {
		in := []rune(s)
		got, _ := bidiorder.Visual(in)
		if len(got) != len(in) {
			t.Fatalf("Visual(%q) has %d runes, want %d", s, len(got), len(in))
		}
	})
}
