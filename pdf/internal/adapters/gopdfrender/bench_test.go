package gopdfrender_test

import (
	"context"
	"testing"
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
