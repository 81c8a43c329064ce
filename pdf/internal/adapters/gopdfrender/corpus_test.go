package gopdfrender_test

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"prana/pdf"
)

// update rewrites the reference images: go test -run TestCorpus -update .
var update = flag.Bool("update", false, "rewrite the reference images under testdata/corpus")

// corpusName is one real name of testdata/corpus/names.tsv.
type corpusName struct {
	script, lang, name, surname string
	line                        int
}

// id names the name's reference image: its line and language.
func (c corpusName) id() string { return fmt.Sprintf("%02d-%s", c.line, c.lang) }

func loadCorpus(t *testing.T) []corpusName {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "corpus", "names.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []corpusName
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if sc.Text() == "" || strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 4 {
			t.Fatalf("names.tsv:%d: want 4 tab-separated fields, got %q", n, sc.Text())
		}
		names = append(names, corpusName{script: f[0], lang: f[1], name: f[2], surname: f[3], line: n})
	}
	return names
}

// TestCorpusCoversEnoughScripts keeps the corpus as broad as the issue asks.
func TestCorpusCoversEnoughScripts(t *testing.T) {
	t.Parallel()
	names := loadCorpus(t)
	scripts := map[string]bool{}
	for _, n := range names {
		if n.script != "Zyyy" {
			scripts[n.script] = true
		}
	}
	if len(names) < 40 || len(scripts) < 14 {
		t.Errorf("corpus has %d names in %d scripts, want at least 40 in 14", len(names), len(scripts))
	}
}

// TestCorpusExtractsAsTyped renders every name of the corpus and checks
// that pdftotext gives it back in logical order, NFC-normalised, with no
// '?' and nothing logged as missing. Two things differ from the typed text,
// as the README says: pdftotext wraps right-to-left runs in embedding marks
// (U+202B … U+202C), dropped here, and gives Arabic-script letters back as
// the presentation forms drawn, which NFKC maps to the letters typed.
func TestCorpusExtractsAsTyped(t *testing.T) {
	t.Parallel()
	requireFallbackFonts(t)
	r, logs := newRenderer(t)
	for _, c := range loadCorpus(t) {
		t.Run(c.id(), func(t *testing.T) {
			t.Parallel()
			p := sampleProfile()
			p.Name, p.Surname = c.name, c.surname
			got := extracted(text(t, render(t, r, p)), c.script == "Arab")
			for _, want := range []string{"Name: " + c.name, "Surname: " + c.surname} {
				want = norm.NFC.String(want)
				if !strings.Contains(got, want+"\n") {
					t.Errorf("%s %s: no line %q (%+q) in:\n%s", c.script, c.lang, want, want, got)
				}
			}
			if strings.Contains(got, "?") {
				t.Errorf("%s %s: a character came out as '?':\n%s", c.script, c.lang, got)
			}
		})
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), "missing_glyphs") {
			t.Errorf("corpus names were logged as missing glyphs:\n%s", logs)
		}
	})
}

// extracted undoes what pdftotext adds to the text drawn: embedding marks
// around right-to-left runs, and, for Arabic script, presentation forms.
func extracted(s string, arabic bool) string {
	s = strings.NewReplacer("\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "").Replace(s)
	if arabic {
		return norm.NFKC.String(s)
	}
	return norm.NFC.String(s)
}

// requireFallbackFonts fails, rather than skips, when the fallback fonts
// are not installed: the corpus would otherwise test nothing.
func requireFallbackFonts(t *testing.T) {
	t.Helper()
	for _, f := range pdf.FallbackFonts() {
		if _, err := os.Stat(f.Path); err != nil {
			t.Fatalf("fallback font missing (%v): run `make test-deps` or apt-get install %s", err, f.Package)
		}
	}
}
