package gopdfrender

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"prana/pdf"
	"prana/pdf/internal/adapters/gopdfrender/ttfsubset"
)

// coverage says which characters a fallback font is tried for, and names
// its scripts for the log. Trying a font only for its own scripts keeps the
// loading lazy: an Arabic name reads the Arabic font and nothing else.
type coverage struct {
	scripts string
	tables  []*unicode.RangeTable // nil: any character (the last resort)
}

// coverageByFile describes the files of pdf/fonts.txt, by file name.
var coverageByFile = map[string]coverage{
	"NotoSans-Regular.ttf": {"Latin beyond the Go fonts (Vietnamese, Latin Extended)",
		[]*unicode.RangeTable{unicode.Latin, unicode.Greek, unicode.Cyrillic, unicode.Common, unicode.Inherited}},
	"NotoSansArabic-Regular.ttf":     {"Arabic, Persian, Urdu", []*unicode.RangeTable{unicode.Arabic}},
	"NotoSansHebrew-Regular.ttf":     {"Hebrew", []*unicode.RangeTable{unicode.Hebrew}},
	"NotoSansArmenian-Regular.ttf":   {"Armenian", []*unicode.RangeTable{unicode.Armenian}},
	"NotoSansGeorgian-Regular.ttf":   {"Georgian", []*unicode.RangeTable{unicode.Georgian}},
	"NotoSansEthiopic-Regular.ttf":   {"Ethiopic", []*unicode.RangeTable{unicode.Ethiopic}},
	"NotoSansThai-Regular.ttf":       {"Thai", []*unicode.RangeTable{unicode.Thai}},
	"NotoSansDevanagari-Regular.ttf": {"Devanagari", []*unicode.RangeTable{unicode.Devanagari}},
	"DroidSansFallbackFull.ttf": {"Chinese, Japanese",
		[]*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Bopomofo, unicode.Common}},
	"NanumGothic.ttf": {"Korean", []*unicode.RangeTable{unicode.Hangul, unicode.Han, unicode.Common}},
	"DejaVuSans.ttf":  {"symbols", nil},
}

// fallback is one font of pdf/fonts.txt. New only finds its file; the
// file is read and parsed the first time a document needs a character
// from its scripts, once per process.
type fallback struct {
	family string // gopdf family and PDF BaseFont name, with a subset tag
	path   string // "" when not found in any font directory
	cover  coverage
	log    *slog.Logger

	once sync.Once
	face *face // nil until loaded, and when loading failed
}

// findFallbacks looks up each listed font by file name in dirs, in order,
// and logs once which scripts cannot be drawn for want of a file.
func findFallbacks(list []pdf.Font, dirs []string, log *slog.Logger) []*fallback {
	var fbs []*fallback
	var missing []string
	for i, f := range list {
		base := filepath.Base(f.Path)
		cov, ok := coverageByFile[base]
		if !ok {
			cov = coverage{scripts: base}
		}
		fb := &fallback{family: subsetTag(i) + strings.TrimSuffix(base, ".ttf"), cover: cov, log: log}
		fb.path = findFontFile(dirs, base)
		if fb.path == "" {
			missing = append(missing, fmt.Sprintf("%s (%s from %s)", cov.scripts, base, f.Package))
		}
		fbs = append(fbs, fb)
	}
	if len(missing) > 0 && len(dirs) > 0 {
		log.Warn("fallback fonts not found; their scripts will be drawn as ?",
			slog.Any("missing", missing), slog.Any("font_dirs", dirs))
	}
	return fbs
}

// subsetTag gives the i-th fallback a fixed six-letter subset tag, as the
// Go fonts have (see familyRegular).
func subsetTag(i int) string {
	return fmt.Sprintf("PRNF%c%c+", 'A'+i/26%26, 'A'+i%26)
}

// findFontFile returns the first dirs/name, or its gzip-compressed
// dirs/name.gz, that exists; "" when neither is anywhere. The container
// images carry the fonts compressed: it halves the pdf image.
func findFontFile(dirs []string, name string) string {
	for _, d := range dirs {
		for _, p := range []string{filepath.Join(d, name), filepath.Join(d, name+gzSuffix)} {
			if fileExists(p) {
				return p
			}
		}
	}
	return ""
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// covers reports whether r belongs to the scripts this font is tried for.
func (fb *fallback) covers(r rune) bool {
	return fb.path != "" && (fb.cover.tables == nil || unicode.In(r, fb.cover.tables...))
}

// load reads and parses the font once; nil when it cannot be used (the
// error is logged once and its characters become '?').
func (fb *fallback) load() *face {
	fb.once.Do(func() {
		f, err := parseFont(fb.family, fb.path)
		if err != nil {
			fb.log.Error("fallback font unusable; its scripts will be drawn as ?",
				slog.String("font", fb.path), slog.String("scripts", fb.cover.scripts), slog.Any("err", err))
			return
		}
		fb.face = f
	})
	return fb.face
}

// parseFont reads a fallback font and checks, on a subset, that gopdf
// accepts it: a font gopdf refuses fails here, once, not in every document.
func parseFont(family, path string) (*face, error) {
	ttf, err := readFont(path)
	if err != nil {
		return nil, err
	}
	parsed, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	sub, err := ttfsubset.Parse(ttf)
	if err != nil {
		return nil, err
	}
	f := &face{family: family, font: parsed, sub: sub}
	var buf sfnt.Buffer
	if _, err := f.subset(&buf, []rune{' '}); err != nil {
		return nil, err
	}
	return f, nil
}
