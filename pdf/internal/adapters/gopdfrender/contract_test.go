package gopdfrender_test

import (
	"testing"

	"prana/pdf/internal/app"
	"prana/pdf/internal/app/apptest"
)

// The renderer keeps the contract of app.Renderer, the same suite the
// app's fake keeps (apptest).
func TestRendererKeepsTheRendererContract(t *testing.T) {
	t.Parallel()
	apptest.RunRendererContract(t, func(t *testing.T) app.Renderer {
		r, _ := newRenderer(t)
		return r
	})
}
