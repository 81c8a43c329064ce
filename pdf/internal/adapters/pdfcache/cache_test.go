package pdfcache_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"prana/pdf/internal/adapters/pdfcache"
)

// renders counts calls and answers a document of size bytes named by key.
type renders struct {
	n    atomic.Int64
	size int
}

func (r *renders) of(key string) func(context.Context) ([]byte, error) {
	return func(context.Context) ([]byte, error) {
		r.n.Add(1)
		doc := bytes.Repeat([]byte{'.'}, r.size)
		copy(doc, key)
		return doc, nil
	}
}

func get(t *testing.T, c *pdfcache.Cache, key string, r *renders) []byte {
	t.Helper()
	doc, err := c.Document(context.Background(), key, r.of(key))
	if err != nil {
		t.Fatalf("Document(%s): %v", key, err)
	}
	if !bytes.HasPrefix(doc, []byte(key)) {
		t.Fatalf("Document(%s) = %q: another key's document", key, doc)
	}
	return doc
}

func TestCacheRendersAKeyOnce(t *testing.T) {
	t.Parallel()
	c := pdfcache.New(pdfcache.Limits{MaxBytes: 1 << 20})
	r := &renders{size: 100}
	get(t, c, "a", r)
	get(t, c, "a", r)
	get(t, c, "b", r)
	if got := r.n.Load(); got != 2 {
		t.Errorf("%d renders for keys a, a, b; want 2", got)
	}
	if n, size := c.Len(); n != 2 || size != 200 {
		t.Errorf("Len = %d entries, %d bytes; want 2, 200", n, size)
	}
}

func TestCacheEvictsLeastRecentlyUsedBeyondByteBudget(t *testing.T) {
	t.Parallel()
	c := pdfcache.New(pdfcache.Limits{MaxBytes: 100, MaxEntries: 10})
	r := &renders{size: 40}
	get(t, c, "a", r)
	get(t, c, "b", r)
	get(t, c, "a", r) // a is now the most recently used
	get(t, c, "c", r) // 120 bytes: b goes
	if n, size := c.Len(); n != 2 || size != 80 {
		t.Fatalf("Len = %d entries, %d bytes; want 2, 80", n, size)
	}
	before := r.n.Load()
	get(t, c, "a", r)
	get(t, c, "c", r)
	if r.n.Load() != before {
		t.Error("a or c was evicted instead of b")
	}
	get(t, c, "b", r)
	if r.n.Load() != before+1 {
		t.Error("b was still cached")
	}
}

func TestCacheBoundsEntries(t *testing.T) {
	t.Parallel()
	c := pdfcache.New(pdfcache.Limits{MaxBytes: 1 << 20, MaxEntries: 3})
	r := &renders{size: 10}
	for i := range 10 {
		get(t, c, fmt.Sprint("k", i), r)
	}
	if n, size := c.Len(); n != 3 || size != 30 {
		t.Errorf("Len = %d entries, %d bytes; want 3, 30", n, size)
	}
}

func TestCacheKeepsNothingLargerThanItsBudget(t *testing.T) {
	t.Parallel()
	for _, budget := range []int64{0, 50} {
		c := pdfcache.New(pdfcache.Limits{MaxBytes: budget})
		r := &renders{size: 60}
		get(t, c, "big", r)
		get(t, c, "big", r)
		if got := r.n.Load(); got != 2 {
			t.Errorf("budget %d: %d renders of an oversize document, want 2 (not cached)", budget, got)
		}
		if n, _ := c.Len(); n != 0 {
			t.Errorf("budget %d: %d entries cached", budget, n)
		}
	}
}

func TestCacheDoesNotKeepFailures(t *testing.T) {
	t.Parallel()
	c := pdfcache.New(pdfcache.Limits{MaxBytes: 1 << 20})
	boom := errors.New("render failed")
	_, err := c.Document(context.Background(), "a", func(context.Context) ([]byte, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("error = %v, want the render's", err)
	}
	r := &renders{size: 10}
	get(t, c, "a", r)
	if r.n.Load() != 1 {
		t.Error("the failure was cached: no second render")
	}
}

// TestCacheSharesOneRenderBetweenConcurrentCallers runs in a synctest
// bubble: synctest.Wait returns once every caller is blocked, so all of
// them have reached the cache while the render still runs, with no guess
// at how long that takes.
func TestCacheSharesOneRenderBetweenConcurrentCallers(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c := pdfcache.New(pdfcache.Limits{MaxBytes: 1 << 20})
		release := make(chan struct{})
		var n, returned atomic.Int64
		render := func(context.Context) ([]byte, error) {
			n.Add(1)
			<-release
			return []byte("doc"), nil
		}
		const callers = 20
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				doc, err := c.Document(context.Background(), "k", render)
				returned.Add(1)
				if err != nil || string(doc) != "doc" {
					t.Errorf("Document = (%q, %v)", doc, err)
				}
			})
		}
		synctest.Wait()
		if got := returned.Load(); got != 0 {
			t.Fatalf("%d callers returned before the render finished", got)
		}
		close(release)
		wg.Wait()
		if got := n.Load(); got != 1 {
			t.Errorf("%d renders for %d concurrent callers of one key, want 1", got, callers)
		}
	})
}

func TestCacheWaiterGivesUpButTheRenderCompletes(t *testing.T) {
	t.Parallel()
	c := pdfcache.New(pdfcache.Limits{MaxBytes: 1 << 20})
	release := make(chan struct{})
	var renderCtxErr atomic.Value
	render := func(ctx context.Context) ([]byte, error) {
		<-release
		renderCtxErr.Store(fmt.Sprint(ctx.Err()))
		return []byte("doc"), nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Document(ctx, "k", render); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v, want context.Canceled", err)
	}
	close(release)
	doc, err := c.Document(context.Background(), "k", func(context.Context) ([]byte, error) {
		return nil, errors.New("rendered twice")
	})
	if err != nil || string(doc) != "doc" {
		t.Fatalf("next caller got (%q, %v), want the first render's document", doc, err)
	}
	if got := renderCtxErr.Load(); got != "<nil>" {
		t.Errorf("the shared render saw a cancelled context: %v", got)
	}
}
