package apptest

import (
	"context"
	"strconv"
	"sync"
	"time"

	"prana/pdf/internal/app"
)

// Uploads is an in-memory app.UploadGuard: a count per user (one window
// that never ends) and a versioned pointer per user.
type Uploads struct {
	mu       sync.Mutex
	taken    map[string]int
	pointers map[string]app.ActivePointer
	versions int
	// BeforeSet, when set, runs once inside SetActiveJob before the
	// compare (another request of the user slips in).
	BeforeSet func()
	// Forgotten lists the users ForgetUser was called for.
	Forgotten []string
}

// NewUploads returns an empty Uploads.
func NewUploads() *Uploads {
	return &Uploads{taken: map[string]int{}, pointers: map[string]app.ActivePointer{}}
}

// TakeUpload grants limit uploads per user; refused, it says to retry after
// half the window.
func (f *Uploads) TakeUpload(_ context.Context, userID string, limit int, window time.Duration) (bool, time.Duration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.taken[userID] >= limit {
		return false, window / 2, nil
	}
	f.taken[userID]++
	return true, 0, nil
}

// ActiveJob returns userID's pointer.
func (f *Uploads) ActiveJob(_ context.Context, userID string) (app.ActivePointer, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.pointers[userID]
	return p, ok, nil
}

// SetActiveJob replaces userID's pointer if its version is still prev's.
func (f *Uploads) SetActiveJob(_ context.Context, userID string, prev, next app.ActivePointer) error {
	f.mu.Lock()
	hook := f.BeforeSet
	f.BeforeSet = nil
	f.mu.Unlock()
	if hook != nil {
		hook()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pointers[userID].Version != prev.Version {
		return app.ErrConflict
	}
	f.versions++
	next.Version = strconv.Itoa(f.versions)
	f.pointers[userID] = next
	return nil
}

// ForgetUser deletes userID's count and pointer.
func (f *Uploads) ForgetUser(_ context.Context, userID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.taken, userID)
	delete(f.pointers, userID)
	f.Forgotten = append(f.Forgotten, userID)
	return nil
}

// AgePointer moves userID's pointer back in time by d, as if the job had
// been current that much longer.
func (f *Uploads) AgePointer(userID string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p, ok := f.pointers[userID]; ok {
		p.Since = p.Since.Add(-d)
		f.pointers[userID] = p
	}
}

// Documents is an unbounded app.DocumentCache. It holds its lock while
// rendering, so concurrent callers of a key share one render.
type Documents struct {
	mu   sync.Mutex
	docs map[string][]byte
}

// NewDocuments returns an empty Documents.
func NewDocuments() *Documents { return &Documents{docs: map[string][]byte{}} }

// Document returns key's document, rendering and storing it on a miss.
func (c *Documents) Document(ctx context.Context, key string, render func(context.Context) ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if doc, ok := c.docs[key]; ok {
		return doc, nil
	}
	doc, err := render(ctx)
	if err == nil {
		c.docs[key] = doc
	}
	return doc, err
}

var (
	_ app.UploadGuard   = (*Uploads)(nil)
	_ app.DocumentCache = (*Documents)(nil)
)
