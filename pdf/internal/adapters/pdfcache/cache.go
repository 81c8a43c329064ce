// Package pdfcache keeps rendered PDFs in memory, bounded by their total
// size and by a number of entries, dropping the least recently used first.
// Concurrent requests for a document not yet cached render it once.
package pdfcache

import (
	"container/list"
	"context"
	"sync"
	"time"

	"prana/pdf/internal/app"
)

// Limits bound a Cache. A zero or negative MaxBytes turns caching off
// (every request renders); concurrent requests for one key still share a
// render.
type Limits struct {
	MaxBytes   int64
	MaxEntries int // default: MaxBytes / 12 KiB, about one entry per small PDF
	// MaxAge renders a document again once its copy is this old, so the
	// generation time it prints stays recent. Zero: kept until evicted.
	MaxAge time.Duration
}

// typicalDocSize sizes the default entry bound: a profile PDF is about
// 12 KB, or up to about 21 KB with fallback fonts.
const typicalDocSize = 12 << 10

// Cache is an LRU of documents by key. It is safe for concurrent use.
type Cache struct {
	maxBytes   int64
	maxEntries int
	maxAge     time.Duration
	now        func() time.Time

	mu       sync.Mutex
	bytes    int64
	order    *list.List // front: most recently used; values are *entry
	entries  map[string]*list.Element
	inflight map[string]*call
}

type entry struct {
	key     string
	doc     []byte
	created time.Time
}

// call is a render in progress that later callers of the same key wait for.
type call struct {
	done chan struct{}
	doc  []byte
	err  error
}

// New returns an empty Cache within l.
func New(l Limits) *Cache {
	if l.MaxEntries <= 0 {
		l.MaxEntries = int(max(l.MaxBytes/typicalDocSize, 1))
	}
	return &Cache{
		maxBytes: l.MaxBytes, maxEntries: l.MaxEntries, maxAge: l.MaxAge, now: time.Now,
		order: list.New(), entries: map[string]*list.Element{}, inflight: map[string]*call{},
	}
}

// Document returns the document cached under key, or renders, caches and
// returns it. Callers asking for a key while it renders wait for that
// render rather than start their own; a failed render is not cached. The
// render runs without ctx's cancellation, since other callers may be
// waiting on it; a caller whose ctx ends stops waiting.
func (c *Cache) Document(ctx context.Context, key string, render func(context.Context) ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		if e := el.Value.(*entry); c.maxAge <= 0 || c.now().Sub(e.created) < c.maxAge {
			c.order.MoveToFront(el)
			c.mu.Unlock()
			return e.doc, nil
		}
		c.remove(el)
	}
	cl, running := c.inflight[key]
	if !running {
		cl = &call{done: make(chan struct{})}
		c.inflight[key] = cl
	}
	c.mu.Unlock()

	if !running {
		go c.run(context.WithoutCancel(ctx), key, cl, render)
	}
	select {
	case <-cl.done:
		return cl.doc, cl.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// run renders key and publishes the result to the waiters and the cache.
// It runs on its own goroutine so that a waiter can give up without
// abandoning the others.
func (c *Cache) run(ctx context.Context, key string, cl *call, render func(context.Context) ([]byte, error)) {
	cl.doc, cl.err = render(ctx)
	c.mu.Lock()
	delete(c.inflight, key)
	if cl.err == nil {
		c.add(key, cl.doc)
	}
	c.mu.Unlock()
	close(cl.done)
}

// add stores doc and evicts the least recently used entries beyond the
// limits. A document larger than the whole budget is not kept. c.mu is held.
func (c *Cache) add(key string, doc []byte) {
	size := int64(len(doc))
	if size > c.maxBytes {
		return
	}
	if el, ok := c.entries[key]; ok { // an expired copy not yet dropped
		c.remove(el)
	}
	c.entries[key] = c.order.PushFront(&entry{key: key, doc: doc, created: c.now()})
	c.bytes += size
	for c.bytes > c.maxBytes || c.order.Len() > c.maxEntries {
		c.remove(c.order.Back())
	}
}

// remove drops one entry. c.mu is held.
func (c *Cache) remove(el *list.Element) {
	e := c.order.Remove(el).(*entry)
	delete(c.entries, e.key)
	c.bytes -= int64(len(e.doc))
}

// Len reports how many documents are cached and their total size.
func (c *Cache) Len() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.bytes
}

// Interface guard: Cache is the app's DocumentCache port.
var _ app.DocumentCache = (*Cache)(nil)
