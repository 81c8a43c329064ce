package argon2hash

import (
	"crypto/rand"
	"fmt"
	"strings"

	"prana/auth/internal/app"
)

// Settings returns the PHC string's algorithm and costs
// ("$argon2id$v=19$m=102400,t=2,p=8"), spelled as this package writes
// them, or "" when hash is not an argon2 PHC string it verifies.
func (h *Hasher) Settings(hash string) string {
	p, err := parsePHC(hash)
	if err != nil {
		return ""
	}
	return p.settings()
}

// DecoyWith returns a hash with the given settings (as Settings returns
// them, or as stored: a PHC string without its last two fields) whose
// random salt and digest no password matches. Salt and digest lengths are
// the current ones: they cost nothing next to the memory and passes.
func (h *Hasher) DecoyWith(settings string) (string, bool) {
	p, err := parsePHC(fmt.Sprintf("%s$%s$%s", strings.TrimSuffix(settings, "$"),
		b64.EncodeToString(make([]byte, h.params.SaltLen)), b64.EncodeToString(make([]byte, h.params.KeyLen))))
	if err != nil {
		return "", false
	}
	_, _ = rand.Read(p.salt) // crypto/rand.Read never fails (Go 1.24+)
	_, _ = rand.Read(p.key)
	return p.String(), true
}

// settings is the PHC string without salt and digest.
func (p phc) settings() string {
	return fmt.Sprintf("$%s$v=19$m=%d,t=%d,p=%d", p.variant, p.params.MemoryKiB, p.params.Iterations, p.params.Parallelism)
}

var _ app.DecoyHasher = (*Hasher)(nil)
