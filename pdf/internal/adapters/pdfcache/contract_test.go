package pdfcache_test

import (
	"testing"

	"prana/pdf/internal/adapters/pdfcache"
	"prana/pdf/internal/app"
	"prana/pdf/internal/app/apptest"
)

// The cache keeps the contract of app.DocumentCache, the same suite the
// app's fake keeps (apptest).
func TestCacheKeepsTheDocumentCacheContract(t *testing.T) {
	t.Parallel()
	apptest.RunDocumentCacheContract(t, func(*testing.T) app.DocumentCache {
		return pdfcache.New(pdfcache.Limits{MaxBytes: 1 << 20})
	})
}
