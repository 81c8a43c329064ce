package apptest

import (
	"context"
	"sync"
	"time"

	"prana/auth/internal/app"
)

// Limiter is an in-memory app.RateLimiter: a fixed window per limit and
// key, starting at its first attempt. With Err set it cannot count, as
// when the database that keeps the counts is down. Its clock is Now,
// time.Now when nil.
type Limiter struct {
	Err error
	Now func() time.Time

	mu      sync.Mutex
	windows map[string]*window // limit name + "\x00" + key
}

type window struct {
	count int
	ends  time.Time
}

// Take counts one attempt against each limit in turn, stopping at the
// first exhausted one.
func (m *Limiter) Take(_ context.Context, hits ...app.LimitHit) (bool, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return false, 0, m.Err
	}
	if m.windows == nil {
		m.windows = map[string]*window{}
	}
	now := time.Now()
	if m.Now != nil {
		now = m.Now()
	}
	for _, h := range hits {
		if h.Limit.Max <= 0 {
			continue
		}
		k := h.Limit.Name + "\x00" + h.Key
		w := m.windows[k]
		if w == nil || !now.Before(w.ends) {
			w = &window{ends: now.Add(h.Limit.Per)}
			m.windows[k] = w
		}
		if w.count >= h.Limit.Max {
			return false, w.ends.Sub(now), nil
		}
		w.count++
	}
	return true, 0, nil
}

var _ app.RateLimiter = (*Limiter)(nil)

// Counted is the count of the current window of limit name and key.
func (m *Limiter) Counted(name, key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if w := m.windows[name+"\x00"+key]; w != nil {
		return w.count
	}
	return 0
}
