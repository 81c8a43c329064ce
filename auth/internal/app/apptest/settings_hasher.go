package apptest

import (
	"context"
	"slices"
	"strings"
	"sync"

	"prana/auth/internal/app"
)

// SettingsHasher is an app.PasswordHasher and app.DecoyHasher whose hashes
// are "<settings>:<password>" and whose decoys are "<settings>:\x00decoy",
// settings being anything that starts with "$". It records the settings of
// each verification, which stand for its cost. Current is the settings of
// new hashes.
type SettingsHasher struct {
	mu       sync.Mutex
	Current  string
	busyOn   string
	verified []string
}

// BusyWith makes verifications of hashes with settings fail with ErrBusy.
func (h *SettingsHasher) BusyWith(settings string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.busyOn = settings
}

// Hash returns Current + ":" + pw.
func (h *SettingsHasher) Hash(_ context.Context, pw string) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.Current + ":" + pw, nil
}

// Verify checks pw against hash and records the hash's settings.
func (h *SettingsHasher) Verify(_ context.Context, pw, hash string) (bool, bool, error) {
	settings, p, _ := strings.Cut(hash, ":")
	h.mu.Lock()
	h.verified = append(h.verified, settings)
	busy := settings == h.busyOn
	current := h.Current
	h.mu.Unlock()
	if busy {
		return false, false, app.ErrBusy
	}
	return p == pw, settings != current, nil
}

// Decoy is a decoy with Current's settings.
func (h *SettingsHasher) Decoy() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.Current + ":\x00decoy"
}

// Settings returns the part of hash before ":", or "" when it is not one
// of this hasher's.
func (h *SettingsHasher) Settings(hash string) string {
	s, _, ok := strings.Cut(hash, ":")
	if !ok || !strings.HasPrefix(s, "$") {
		return ""
	}
	return s
}

// DecoyWith returns a decoy with settings, if they are this hasher's.
func (h *SettingsHasher) DecoyWith(settings string) (string, bool) {
	if !strings.HasPrefix(settings, "$") || strings.Contains(settings, ":") {
		return "", false
	}
	return settings + ":\x00decoy", true
}

// Costs returns the settings verified since the last call, sorted.
func (h *SettingsHasher) Costs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := slices.Sorted(slices.Values(h.verified))
	h.verified = nil
	return out
}

var (
	_ app.PasswordHasher = (*SettingsHasher)(nil)
	_ app.DecoyHasher    = (*SettingsHasher)(nil)
)
