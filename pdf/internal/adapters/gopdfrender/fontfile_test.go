package gopdfrender_test

import (
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"prana/pdf"
	"prana/pdf/internal/adapters/gopdfrender"
	"prana/testkit/pdftest"
)

// gzipFonts writes every fallback font of pdf/fonts.txt into a new folder
// as the container images carry them: name.ttf.gz.
func gzipFonts(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range pdf.FallbackFonts() {
		ttf, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dir, filepath.Base(f.Path)+".gz"))
		if err != nil {
			t.Fatal(err)
		}
		zw := gzip.NewWriter(out)
		if _, err := zw.Write(ttf); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestCompressedFontsDrawAsThePlainOnes: fonts found only as .ttf.gz draw
// the same names, with the same fonts embedded, as the plain files.
func TestCompressedFontsDrawAsThePlainOnes(t *testing.T) {
	t.Parallel()
	requireFallbackFonts(t)
	r, logs := newRendererWith(t, gopdfrender.Options{FontDirs: []string{gzipFonts(t)}})
	p := sampleProfile()
	p.Name, p.Surname = "花子 김민준", "გიორგი"
	doc := render(t, r, p)
	got := lines(text(t, doc))
	if !slices.Contains(got, "Name: 花子 김민준") || !slices.Contains(got, "Surname: გიორგი") {
		t.Errorf("got %q", got)
	}
	fonts := pdftest.Poppler(t, doc, "pdffonts")
	for _, want := range []string{"+DroidSansFallbackFull ", "+NanumGothic ", "+NotoSansGeorgian-Regular "} {
		if !strings.Contains(fonts, want) {
			t.Errorf("%s not embedded; pdffonts:\n%s", want, fonts)
		}
	}
	if log := logs.String(); strings.Contains(log, "not found") || strings.Contains(log, "unusable") {
		t.Errorf("compressed fonts reported missing or unusable; log:\n%s", log)
	}
}

// TestCorruptCompressedFontIsNotAnError: a .gz that is not gzip is logged
// once and its script drawn as '?', like a font gopdf refuses.
func TestCorruptCompressedFontIsNotAnError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "NotoSansHebrew-Regular.ttf.gz"), []byte("not gzip"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, logs := newRendererWith(t, gopdfrender.Options{FontDirs: []string{dir}})
	p := sampleProfile()
	p.Name = "דוד"
	for range 2 {
		if got := lines(text(t, render(t, r, p))); !slices.Contains(got, "Name: ???") {
			t.Errorf("want '?' for the unusable font; got %q", got)
		}
	}
	if n := strings.Count(logs.String(), "fallback font unusable"); n != 1 {
		t.Errorf("unusable font logged %d times, want once; log:\n%s", n, logs.String())
	}
}
