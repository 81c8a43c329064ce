package gopdfrender_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"prana/pdf/internal/domain"
)

// TestRenderConcurrently shares one Renderer between goroutines rendering
// different profiles; run it with -race. Each result must equal what a
// lone render of the same profile gives, so no document picks up glyphs,
// fonts or text from another.
func TestRenderConcurrently(t *testing.T) {
	t.Parallel()
	r, _ := newRenderer(t)
	var profiles []domain.Profile
	for _, name := range []string{"Іван", "Γιώργος", "Zoë", "王小明", strings.Repeat("W", 64), "François", "محمد علي", "Dana דנה", "김민준", "Nguyễn"} {
		p := sampleProfile()
		p.Name = name
		profiles = append(profiles, p)
	}
	want := make([][]byte, len(profiles))
	for i, p := range profiles {
		want[i] = render(t, r, p)
	}

	const workers, rounds = 8, 5
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for n := range rounds * len(profiles) {
				i := (w + n) % len(profiles)
				got, err := r.Render(context.Background(), profiles[i], generatedAt)
				if err != nil {
					t.Errorf("Render %q: %v", profiles[i].Name, err)
					return
				}
				if !bytes.Equal(got, want[i]) {
					t.Errorf("concurrent render of %q differs from a lone render", profiles[i].Name)
					return
				}
			}
		})
	}
	wg.Wait()
}
