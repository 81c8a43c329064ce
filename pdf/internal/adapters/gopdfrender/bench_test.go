package gopdfrender_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"prana/testkit/rendergc"
)

// BenchmarkRender measures one typical document: a Cyrillic name, so both
// fonts and a few dozen glyphs are embedded.
func BenchmarkRender(b *testing.B) {
	r, _ := newRenderer(b)
	p := sampleProfile()
	p.Name, p.Surname = "Іван", "Петренко"
	ctx := context.Background()
	b.ReportAllocs()
	var size int
	for b.Loop() {
		pdf, err := r.Render(ctx, p, generatedAt)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(size), "bytes/doc")
}

// BenchmarkRenderDistinct renders a different profile every time, in
// several scripts, as a stream of first-time downloads does: nothing a
// renderer could keep between documents of one user helps here.
//
// It runs with the collector set as the pdf service and the worker set it
// (rendergc): at Go's default the collector takes about 40% of a render.
func BenchmarkRenderDistinct(b *testing.B) {
	rendergc.Set(b)
	r, _ := newRenderer(b)
	names := [][2]string{{"Іван", "Петренко"}, {"Γιώργος", "Παπαδόπουλος"}, {"Zoë", "Ñúñez"}, {"Ada", "Lovelace"}, {"François", "Øster-Ådal"}}
	ctx := context.Background()
	b.ReportAllocs()
	var total, n int
	for b.Loop() {
		p := sampleProfile()
		nm := names[n%len(names)]
		p.Name, p.Surname = fmt.Sprintf("%s %d", nm[0], n), nm[1]
		p.Email = fmt.Sprintf("user%d@example.com", n)
		p.UserID = fmt.Sprintf("3f1c2a9e-8b7d-4c6e-9a5b-%012d", n)
		pdf, err := r.Render(ctx, p, generatedAt)
		if err != nil {
			b.Fatal(err)
		}
		total += len(pdf)
		n++
	}
	b.ReportMetric(float64(total)/float64(n), "bytes/doc")
}

// BenchmarkRenderScripts measures profiles that need fallback fonts: each
// adds a font subset to the document. The fonts are parsed before the
// timer starts, as in a service that has drawn such a name once, and the
// collector is set as the services set it, as for BenchmarkRenderDistinct.
func BenchmarkRenderScripts(b *testing.B) {
	rendergc.Set(b)
	for _, bc := range []struct{ name, given, surname string }{
		{"CJK", "花子", "山田"},
		{"Arabic", "محمد", "عبد الله"},
		{"Mixed", "Dana דנה 健", "Nguyễn محمد 김"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r, logs := newRenderer(b)
			p := sampleProfile()
			p.Name, p.Surname = bc.given, bc.surname
			ctx := context.Background()
			if _, err := r.Render(ctx, p, generatedAt); err != nil {
				b.Fatal(err)
			}
			// Without the fallback fonts this would time a document of
			// question marks: install them (make test-deps) first.
			if strings.Contains(logs.String(), "drawn as ?") {
				b.Fatalf("the name is drawn as ?: fallback fonts missing from %v (make test-deps)", fontDirs())
			}
			b.ReportAllocs()
			var size int
			for b.Loop() {
				pdf, err := r.Render(ctx, p, generatedAt)
				if err != nil {
					b.Fatal(err)
				}
				size = len(pdf)
			}
			b.ReportMetric(float64(size), "bytes/doc")
		})
	}
}
