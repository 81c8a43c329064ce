package pdf_test

import (
	"strings"
	"testing"

	"prana/pdf"
)

// TestFallbackFontsListIsWellFormed: every line of fonts.txt that is not a
// comment names a package and an absolute .ttf path (the image copies the
// files, so a typo would only show in the container).
func TestFallbackFontsListIsWellFormed(t *testing.T) {
	t.Parallel()
	fonts := pdf.FallbackFonts()
	if len(fonts) < 10 {
		t.Fatalf("FallbackFonts() = %d fonts, want the whole list", len(fonts))
	}
	seen := map[string]bool{}
	for _, f := range fonts {
		if !strings.HasPrefix(f.Package, "fonts-") || !strings.HasPrefix(f.Path, "/usr/share/fonts/truetype/") ||
			!strings.HasSuffix(f.Path, ".ttf") {
			t.Errorf("malformed entry %+v", f)
		}
		base := f.Path[strings.LastIndex(f.Path, "/")+1:]
		if seen[base] {
			t.Errorf("file name %s listed twice: fonts are looked up by name", base)
		}
		seen[base] = true
	}
}
