package arabicshape_test

import (
	"fmt"
	"testing"

	"golang.org/x/text/unicode/norm"

	"prana/pdf/internal/adapters/gopdfrender/arabicshape"
)

func TestShape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     []rune
	}{
		// meem initial, hah medial, meem medial, dal final.
		{"Muhammad", "محمد", []rune{0xFEE3, 0xFEA4, 0xFEE4, 0xFEAA}},
		// yeh at the end takes its final form.
		{"Ali", "علي", []rune{0xFECB, 0xFEE0, 0xFEF2}},
		// alef joins only backwards, so tah starts a new joined group.
		{"Fatima", "فاطمة", []rune{0xFED3, 0xFE8E, 0xFEC3, 0xFEE4, 0xFE94}},
		// lam-alef ligature in its final form, then an isolated meem.
		{"salam", "سلام", []rune{0xFEB3, 0xFEFC, 0xFEE1}},
		// the ligature at the start of a word takes its isolated form.
		{"la", "لا", []rune{0xFEFB}},
		{"lam with hamza alef", "لأ", []rune{0xFEF7}},
		{"Abdullah", "عبد الله", []rune{0xFECB, 0xFE92, 0xFEAA, ' ', 0xFE8D, 0xFEDF, 0xFEE0, 0xFEEA}},
		// Persian letters come from Presentation Forms-A; gaf between two
		// joining letters is medial.
		{"Pegah", "پگاه", []rune{0xFB58, 0xFB95, 0xFE8E, 0xFEE9}},
		{"Zahra", "زهرا", []rune{0xFEAF, 0xFEEB, 0xFEAE, 0xFE8D}},
		{"Kourosh", "کوروش", []rune{0xFB90, 0xFEEE, 0xFEAD, 0xFEED, 0xFEB5}},
		{"Mehdi", "مهدی", []rune{0xFEE3, 0xFEEC, 0xFEAA, 0xFBFC}},
		{"Chehreh", "چ", []rune{0xFB7A}},
		// hamza never joins; the letters around it stand apart.
		{"hamza", "ماء", []rune{0xFEE3, 0xFE8E, 0xFE80}},
		// harakat (combining marks) do not break the join around them.
		{"with a fatha", "مَحمد", []rune{0xFEE3, 0x064E, 0xFEA4, 0xFEE4, 0xFEAA}},
		// ZWNJ breaks the join and disappears; ZWJ forces one. Alef after
		// waw stands alone: waw never joins forward.
		{"zwnj", "مي\u200cخواهم", []rune{0xFEE3, 0xFEF2, 0xFEA7, 0xFEEE, 0xFE8D, 0xFEEB, 0xFEE2}},
		{"zwj", "م\u200d", []rune{0xFEE3}},
		// tatweel joins both sides and is kept as it is.
		{"tatweel", "بـب", []rune{0xFE91, 0x0640, 0xFE90}},
		// Arabic beside Latin: Latin letters never join.
		{"mixed", "Aمد", []rune{'A', 0xFEE3, 0xFEAA}},
		{"empty", "", []rune{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := arabicshape.Shape([]rune(tc.in))
			if fmt.Sprintf("%U", got) != fmt.Sprintf("%U", tc.want) {
				t.Errorf("Shape(%q) = %U, want %U", tc.in, got, tc.want)
			}
		})
	}
}

// TestShapeKeepsTheText checks the property that lets text be copied out
// of the PDF: compatibility normalisation (NFKC) of the shaped text gives
// back the letters typed, for every letter in the table in every position.
func TestShapeKeepsTheText(t *testing.T) {
	t.Parallel()
	var all []rune
	for r := rune(0x0600); r <= 0x06FF; r++ {
		all = append(all, r)
	}
	for _, in := range []string{string(all), "بب", "ببب", "پچژکگی", "لالألإلآ", "ٹڈڑںھہے", "ةىئؤ"} {
		for _, ctx := range []string{"%s", "ب%s", "%sب", "ب%sب", "ا%sا"} {
			s := fmt.Sprintf(ctx, in)
			if got := norm.NFKC.String(string(arabicshape.Shape([]rune(s)))); got != norm.NFKC.String(s) {
				t.Errorf("NFKC(Shape(%q)) = %q", s, got)
			}
		}
	}
}

// TestShapeLeavesOtherScriptsAlone: text without Arabic comes back as it
// went in.
func TestShapeLeavesOtherScriptsAlone(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"Ada Lovelace", "Іван", "דוד כהן", "王小明", "ราหุล", "Nguyễn"} {
		if got := string(arabicshape.Shape([]rune(s))); got != s {
			t.Errorf("Shape(%q) = %q", s, got)
		}
	}
}

func FuzzShape(f *testing.F) {
	f.Add("محمد علي")
	f.Add("لا\u200dل\u200cا")
	f.Fuzz(func(t *testing.T, s string) {
		in := []rune(s)
		out := arabicshape.Shape(in)
		if len(out) > len(in) {
			t.Fatalf("Shape(%q) grew from %d to %d runes", s, len(in), len(out))
		}
	})
}

// TestFormsCoverShape: every character Shape makes of a text, or of any
// piece of it, is in the text or among Forms of one of its characters.
func TestFormsCoverShape(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"محمد عبد الله", "سلام لأحمد", "پگاه کوروش زهرا مهدی", "عائشہ خان", "بـب"} {
		in := []rune(s)
		allowed := map[rune]bool{}
		for _, r := range in {
			allowed[r] = true
			for _, f := range arabicshape.Forms(r) {
				allowed[f] = true
			}
		}
		for i := range in {
			for j := i + 1; j <= len(in); j++ {
				for _, r := range arabicshape.Shape(in[i:j]) {
					if !allowed[r] {
						t.Fatalf("Shape(%q) made %U, not in Forms of %q", string(in[i:j]), r, s)
					}
				}
			}
		}
	}
}
