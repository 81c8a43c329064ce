package pdfcache

import (
	"context"
	"testing"
	"time"
)

// TestCacheRendersAgainOnceACopyIsTooOld moves the cache's clock: a copy
// younger than MaxAge is served, an older one is rendered afresh.
func TestCacheRendersAgainOnceACopyIsTooOld(t *testing.T) {
	t.Parallel()
	c := New(Limits{MaxBytes: 1 << 20, MaxAge: time.Hour})
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	renders := 0
	render := func(context.Context) ([]byte, error) {
		renders++
		return []byte(now.Format(time.RFC3339)), nil
	}
	get := func() string {
		doc, err := c.Document(context.Background(), "k", render)
		if err != nil {
			t.Fatal(err)
		}
		return string(doc)
	}
	first := get()
	now = now.Add(59 * time.Minute)
	if got := get(); got != first || renders != 1 {
		t.Fatalf("within MaxAge: got %q after %d renders, want the first copy after 1", got, renders)
	}
	now = now.Add(2 * time.Minute)
	if got := get(); got == first || renders != 2 {
		t.Fatalf("past MaxAge: got %q after %d renders, want a fresh copy", got, renders)
	}
	if n, size := c.Len(); n != 1 || size != int64(len(first)) {
		t.Errorf("Len = %d entries, %d bytes; the old copy was not replaced", n, size)
	}
}
