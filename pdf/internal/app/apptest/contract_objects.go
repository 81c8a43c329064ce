package apptest

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"prana/pdf/internal/app"
)

// ObjectStoreUnderTest is an app.ObjectStore and a way to fetch what a
// user finds at one of its public URLs (found false when nothing is there).
type ObjectStoreUnderTest struct {
	Store app.ObjectStore
	Fetch func(t *testing.T, url string) (body []byte, found bool)
}

// RunObjectStoreContract checks what the app relies on of an
// app.ObjectStore: a stored PDF is served at its public URL, storing again
// replaces it, deleting removes it and deleting what is missing is no
// error. newStore returns an empty store of the test's own.
func RunObjectStoreContract(t *testing.T, newStore func(t *testing.T) ObjectStoreUnderTest) {
	t.Helper()
	ctx := context.Background()
	key := func() string { return "profile_" + uuid.NewString() + ".pdf" }

	t.Run("StoredPDFIsServedAtItsURL", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		k, body := key(), []byte("%PDF-1.7\n% bytes are bytes\n%%EOF\n")
		if err := s.Store.PutPDF(ctx, k, body); err != nil {
			t.Fatal(err)
		}
		url := s.Store.PublicURL(k)
		if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") || !strings.HasSuffix(url, "/"+k) {
			t.Errorf("PublicURL(%q) = %q, want an http(s) URL ending in the key", k, url)
		}
		if got, ok := s.Fetch(t, url); !ok || !bytes.Equal(got, body) {
			t.Errorf("fetched %q (found %v), want %q", got, ok, body)
		}
		// Storing again replaces the document (a redelivered task).
		again := []byte("%PDF-1.7\n% second render\n%%EOF\n")
		if err := s.Store.PutPDF(ctx, k, again); err != nil {
			t.Fatal(err)
		}
		if got, ok := s.Fetch(t, url); !ok || !bytes.Equal(got, again) {
			t.Errorf("after replacing: fetched %q (found %v), want %q", got, ok, again)
		}
	})

	t.Run("KeysHaveTheirOwnURLs", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a, b := key(), key()
		if s.Store.PublicURL(a) == s.Store.PublicURL(b) {
			t.Errorf("two keys share the URL %q", s.Store.PublicURL(a))
		}
	})

	t.Run("DeletedPDFIsGone", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		k, other := key(), key()
		for _, kk := range []string{k, other} {
			if err := s.Store.PutPDF(ctx, kk, []byte("%PDF "+kk)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Store.DeleteObject(ctx, k); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.Fetch(t, s.Store.PublicURL(k)); ok {
			t.Error("a deleted PDF is still served")
		}
		if _, ok := s.Fetch(t, s.Store.PublicURL(other)); !ok {
			t.Error("deleting one PDF removed another")
		}
		if err := s.Store.DeleteObject(ctx, k); err != nil {
			t.Errorf("deleting it again: %v, want nil", err)
		}
		if err := s.Store.DeleteObject(ctx, key()); err != nil {
			t.Errorf("deleting a key never stored: %v, want nil", err)
		}
	})
}
