package apptest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"prana/pdf/internal/app"
)

// RunDocumentCacheContract checks what the app relies on of an
// app.DocumentCache with room for a few small documents: a miss renders
// and stores, a hit does not render, keys are apart, a failed render is
// not stored, and concurrent callers of one key share one render.
func RunDocumentCacheContract(t *testing.T, newCache func(t *testing.T) app.DocumentCache) {
	t.Helper()
	ctx := context.Background()
	renderer := func(n *atomic.Int32, doc string) func(context.Context) ([]byte, error) {
		return func(context.Context) ([]byte, error) {
			n.Add(1)
			return []byte(doc), nil
		}
	}

	t.Run("AHitDoesNotRender", func(t *testing.T) {
		t.Parallel()
		c := newCache(t)
		var n atomic.Int32
		for i := range 3 {
			doc, err := c.Document(ctx, "a", renderer(&n, "%PDF a"))
			if err != nil || string(doc) != "%PDF a" {
				t.Fatalf("call %d: %q, %v", i+1, doc, err)
			}
		}
		if n.Load() != 1 {
			t.Errorf("rendered %d times, want 1", n.Load())
		}
		var m atomic.Int32
		if doc, err := c.Document(ctx, "b", renderer(&m, "%PDF b")); err != nil || string(doc) != "%PDF b" || m.Load() != 1 {
			t.Errorf("another key: %q, %v, rendered %d; want its own render", doc, err, m.Load())
		}
	})

	t.Run("AFailureIsNotStored", func(t *testing.T) {
		t.Parallel()
		c := newCache(t)
		boom := errors.New("render failed")
		if _, err := c.Document(ctx, "k", func(context.Context) ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
			t.Fatalf("failed render: %v, want it passed on", err)
		}
		var n atomic.Int32
		if doc, err := c.Document(ctx, "k", renderer(&n, "%PDF k")); err != nil || string(doc) != "%PDF k" || n.Load() != 1 {
			t.Errorf("after a failure: %q, %v, rendered %d; want a fresh render", doc, err, n.Load())
		}
	})

	t.Run("ConcurrentCallersShareOneRender", func(t *testing.T) {
		t.Parallel()
		c := newCache(t)
		var n atomic.Int32
		release := make(chan struct{})
		render := func(context.Context) ([]byte, error) {
			n.Add(1)
			<-release
			return []byte("%PDF shared"), nil
		}
		var wg sync.WaitGroup
		docs := make([][]byte, 8)
		for i := range docs {
			wg.Go(func() {
				doc, err := c.Document(ctx, "shared", render)
				if err != nil {
					t.Error(err)
				}
				docs[i] = doc
			})
		}
		close(release)
		wg.Wait()
		for _, d := range docs {
			if !bytes.Equal(d, []byte("%PDF shared")) {
				t.Errorf("a caller got %q", d)
			}
		}
		if n.Load() != 1 {
			t.Errorf("rendered %d times, want 1", n.Load())
		}
	})
}
