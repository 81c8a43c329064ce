package gopdfrender_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"prana/pdf/internal/adapters/gopdfrender"
	"prana/pdf/internal/domain"
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

// newRenderer returns a renderer whose log goes to the returned buffer.
func newRenderer(t testing.TB) (*gopdfrender.Renderer, *syncBuffer) {
	t.Helper()
	var logs syncBuffer
	r, err := gopdfrender.New(slog.New(slog.NewTextHandler(&logs, nil)))
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

// poppler runs one of poppler-utils' tools on pdf and returns its output.
// A missing tool fails the test: skipping would let the text checks pass
// on a machine that never looked at the text.
func poppler(t *testing.T, pdf []byte, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s not found (%v): apt-get install poppler-utils", tool, err)
	}
	path := filepath.Join(t.TempDir(), "profile.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(tool, append(args, path, "-")...)
	if tool == "pdfinfo" || tool == "pdffonts" { // these take no output file
		cmd = exec.Command(tool, append(args, path)...)
	}
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v: %s", tool, err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("%s complained: %s", tool, stderr.String())
	}
	return stdout.String()
}

// text is what pdftotext extracts, as UTF-8.
func text(t *testing.T, pdf []byte) string {
	t.Helper()
	return poppler(t, pdf, "pdftotext", "-enc", "UTF-8")
}

// info is pdfinfo's key: value output as a map.
func info(t *testing.T, pdf []byte) map[string]string {
	t.Helper()
	m := map[string]string{}
	for line := range strings.Lines(poppler(t, pdf, "pdfinfo", "-enc", "UTF-8", "-isodates")) {
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
	out := poppler(t, pdf, "pdftotext", "-enc", "UTF-8", "-bbox")
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

// syncBuffer collects log output from parallel renders.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
