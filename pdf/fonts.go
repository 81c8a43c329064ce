// Package pdf holds what the pdf module keeps at its root for both the
// binaries and the container image: the list of fallback fonts (fonts.txt).
package pdf

import (
	_ "embed"
	"strings"
)

//go:embed fonts.txt
var fontList string

// Font is one fallback font file and the Debian package that provides it.
type Font struct {
	Package string // e.g. fonts-noto-core
	Path    string // where Debian installs it; the renderer uses only the file name
}

// FallbackFonts returns the fonts listed in fonts.txt, in order: the
// renderer tries them in this order for a character the Go fonts lack.
// Blank lines and lines starting with '#' are skipped.
func FallbackFonts() []Font {
	var fonts []Font
	for line := range strings.Lines(fontList) {
		f := strings.Fields(line)
		if len(f) == 2 && !strings.HasPrefix(f[0], "#") {
			fonts = append(fonts, Font{Package: f[0], Path: f[1]})
		}
	}
	return fonts
}
