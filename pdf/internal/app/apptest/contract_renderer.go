package apptest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"prana/pdf/internal/app"
)

// RunRendererContract checks what the app relies on of an app.Renderer: a
// PDF comes out; one profile at one generation time renders the same bytes
// every time (a redelivered task overwrites its PDF with an identical
// one); another user or another time renders other bytes.
func RunRendererContract(t *testing.T, newRenderer func(t *testing.T) app.Renderer) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 10, 30, 45, 0, time.UTC)

	t.Run("OneProfileAndTimeRenderTheSameBytes", func(t *testing.T) {
		t.Parallel()
		r := newRenderer(t)
		p := profile(0)
		first, err := r.Render(ctx, p, at)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(first, []byte("%PDF")) {
			t.Errorf("output starts %q, want a PDF header", first[:min(len(first), 8)])
		}
		again, err := r.Render(ctx, p, at)
		if err != nil || !bytes.Equal(first, again) {
			t.Errorf("a second render differs (%v)", err)
		}
		later, err := r.Render(ctx, p, at.Add(time.Hour))
		if err != nil || bytes.Equal(first, later) {
			t.Errorf("another generation time rendered the same bytes (%v)", err)
		}
		q := p
		q.UserID = uuid.NewString()
		other, err := r.Render(ctx, q, at)
		if err != nil || bytes.Equal(first, other) {
			t.Errorf("another user rendered the same bytes (%v)", err)
		}
	})
}
