package gopdfrender_test

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"prana/pdf/internal/adapters/gopdfrender"
	"prana/pdf/internal/config"
	"prana/pdf/internal/domain"
	"prana/testkit/logtest"
	"prana/testkit/pdftest"
)

// generatedAt is a fixed generation time; tests never depend on the clock.
var generatedAt = time.Date(2026, 5, 1, 10, 30, 45, 0, time.UTC)

func sampleProfile() domain.Profile {
	return domain.Profile{
		UserID:      "3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
		Name:        "Ada",
		Surname:     "Lovelace",
		Email:       "ada@example.com",
		DateOfBirth: time.Date(1815, 12, 10, 0, 0, 0, 0, time.UTC),
	}
}

// newRenderer returns a renderer with the fallback fonts in the default
// font directories (as the services run), whose log goes to the returned
// buffer.
func newRenderer(t testing.TB) (*gopdfrender.Renderer, *logtest.Buffer) {
	t.Helper()
	return newRendererWith(t, gopdfrender.Options{FontDirs: fontDirs()})
}

// fontDirs is where the services look for the fallback fonts by default.
func fontDirs() []string { return config.DefaultFontDirs }

// newGoFontsRenderer returns a renderer with the Go fonts only: a machine
// without the fallback fonts.
func newGoFontsRenderer(t testing.TB) (*gopdfrender.Renderer, *logtest.Buffer) {
	t.Helper()
	return newRendererWith(t, gopdfrender.Options{})
}

func newRendererWith(t testing.TB, opts gopdfrender.Options) (*gopdfrender.Renderer, *logtest.Buffer) {
	t.Helper()
	var logs logtest.Buffer
	r, err := gopdfrender.New(slog.New(slog.NewTextHandler(&logs, nil)), opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r, &logs
}

func render(t testing.TB, r *gopdfrender.Renderer, p domain.Profile) []byte {
	t.Helper()
	pdf, err := r.Render(context.Background(), p, generatedAt)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return pdf
}

// text is what pdftotext extracts, as UTF-8.
func text(t *testing.T, pdf []byte) string {
	t.Helper()
	return pdftest.Poppler(t, pdf, "pdftotext", "-enc", "UTF-8")
}

// info is pdfinfo's key: value output as a map.
func info(t *testing.T, pdf []byte) map[string]string {
	t.Helper()
	m := map[string]string{}
	for line := range strings.Lines(pdftest.Poppler(t, pdf, "pdfinfo", "-enc", "UTF-8", "-isodates")) {
		k, v, ok := strings.Cut(line, ":")
		if ok {
			// Only the alignment padding goes: trailing spaces are data.
			m[k] = strings.TrimLeft(strings.TrimSuffix(v, "\n"), " ")
		}
	}
	return m
}

type word struct {
	Text                   string
	XMin, YMin, XMax, YMax float64
}

type layout struct {
	Width, Height float64
	Pages         int
	Words         []word
}

// bbox parses `pdftotext -bbox`: every word with its box, in points.
func bbox(t *testing.T, pdf []byte) layout {
	t.Helper()
	out := pdftest.Poppler(t, pdf, "pdftotext", "-enc", "UTF-8", "-bbox")
	dec := xml.NewDecoder(strings.NewReader(out))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	var l layout
	attr := func(se xml.StartElement, name string) float64 {
		for _, a := range se.Attr {
			if a.Name.Local == name {
				f, err := strconv.ParseFloat(a.Value, 64)
				if err != nil {
					t.Fatalf("bbox attribute %s=%q: %v", name, a.Value, err)
				}
				return f
			}
		}
		t.Fatalf("bbox element %s has no %s", se.Name.Local, name)
		return 0
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return l
		}
		if err != nil {
			t.Fatalf("parse pdftotext -bbox output: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "page":
			l.Pages++
			l.Width, l.Height = attr(se, "width"), attr(se, "height")
		case "word":
			w := word{XMin: attr(se, "xMin"), YMin: attr(se, "yMin"), XMax: attr(se, "xMax"), YMax: attr(se, "yMax")}
			var s string
			if err := dec.DecodeElement(&s, &se); err != nil {
				t.Fatalf("parse word: %v", err)
			}
			w.Text = s
			l.Words = append(l.Words, w)
		}
	}
}
