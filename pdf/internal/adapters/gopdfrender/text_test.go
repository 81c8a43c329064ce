package gopdfrender_test

import (
	"slices"
	"strings"
	"testing"

	"prana/testkit/pdftest"
)

// lines splits pdftotext output into its non-empty lines.
func lines(s string) []string {
	return slices.DeleteFunc(strings.Split(s, "\n"), func(l string) bool { return strings.TrimSpace(l) == "" })
}

func TestRenderExtractsTextExactly(t *testing.T) {
	t.Parallel()
	r, logs := newRenderer(t)
	for _, tc := range []struct{ name, surname string }{
		{"Іван", "Петренко"},
		{"Γιώργος", "Παπαδόπουλος"},
		{"Zoë", "Ñúñez"},
		{"François", "Øster-Ådal"},
		// Drawn literally: nothing is interpreted as markup or PDF syntax.
		{"A<B & <b>C</b>", `O'Brien (née "Smith") \ 100% {x}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := sampleProfile()
			p.Name, p.Surname = tc.name, tc.surname
			pdf := render(t, r, p)

			got := lines(text(t, pdf))
			for _, want := range []string{"Name: " + tc.name, "Surname: " + tc.surname} {
				if !slices.Contains(got, want) {
					t.Errorf("no line %q in %q", want, got)
				}
			}
			if got, want := info(t, pdf)["Title"], "Profile_"+tc.surname; got != want {
				t.Errorf("Title = %q, want %q", got, want)
			}
		})
	}
	if logs.String() != "" {
		t.Errorf("drawable text was logged as a problem:\n%s", logs)
	}
}

func TestRenderEmbedsUnicodeFonts(t *testing.T) {
	t.Parallel()
	r, _ := newRenderer(t)
	out := pdftest.Poppler(t, render(t, r, sampleProfile()), "pdffonts")

	for _, family := range []string{"+GoRegular ", "+GoBold "} {
		i := strings.Index(out, family)
		if i < 0 {
			t.Errorf("font %q not in pdffonts output:\n%s", family, out)
			continue
		}
		line, _, _ := strings.Cut(out[i:], "\n")
		// Type, encoding, then embedded / subset / ToUnicode map.
		for _, want := range []string{"CID TrueType", "Identity-H", "yes yes yes"} {
			if !strings.Contains(line, want) {
				t.Errorf("font line %q lacks %q", line, want)
			}
		}
	}
}

// TestRenderReplacesMissingGlyphsVisibly: on a machine without the
// fallback fonts, Chinese is drawn as '?'; with or without them, so are
// characters beyond U+FFFF (emoji), which gopdf cannot map back to text.
func TestRenderReplacesMissingGlyphsVisibly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		field, value, want, count, title string
	}{
		{"Name", "王小明", "Name: ???", "missing_glyphs=3", "Profile_Lovelace"},
		// The metadata title is not limited by the font, but gopdf cannot
		// encode characters beyond U+FFFF there.
		{"Surname", "Smith 😀", "Surname: Smith ?", "missing_glyphs=1", "Profile_Smith ?"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			t.Parallel()
			r, logs := newGoFontsRenderer(t)
			p := sampleProfile()
			if tc.field == "Name" {
				p.Name = tc.value
			} else {
				p.Surname = tc.value
			}
			pdf := render(t, r, p)
			got := lines(text(t, pdf))
			if !slices.Contains(got, tc.want) {
				t.Errorf("no line %q in %q", tc.want, got)
			}
			if got := info(t, pdf)["Title"]; got != tc.title {
				t.Errorf("Title = %q, want %q", got, tc.title)
			}

			log := logs.String()
			for _, want := range []string{"level=WARN", "user_id=" + p.UserID, tc.count} {
				if !strings.Contains(log, want) {
					t.Errorf("log lacks %q:\n%s", want, log)
				}
			}
			if strings.Contains(log, tc.value) {
				t.Errorf("log contains the personal value %q:\n%s", tc.value, log)
			}
		})
	}
}

func TestRenderDropsControlCharacters(t *testing.T) {
	t.Parallel()
	r, logs := newRenderer(t)
	p := sampleProfile()
	// Whitespace controls become spaces; the rest, and invisible format
	// characters (zero-width space, right-to-left override), disappear.
	p.Name = "Ivan\tthe\nTerrible\r\x00\x07\x1b[31m\u200b\u202e!"
	p.Surname = "Lovelace\x00\n"
	pdf := render(t, r, p)

	got := lines(text(t, pdf))
	for _, want := range []string{"Name: Ivan the Terrible [31m!", "Surname: Lovelace"} {
		if !slices.Contains(got, want) {
			t.Errorf("no line %q in %q", want, got)
		}
	}
	if got := info(t, pdf)["Title"]; got != "Profile_Lovelace" {
		t.Errorf("Title = %q, want Profile_Lovelace", got)
	}
	if logs.String() != "" {
		t.Errorf("control characters were logged as missing glyphs:\n%s", logs)
	}
}
