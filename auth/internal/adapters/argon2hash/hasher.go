package argon2hash

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"

	"golang.org/x/crypto/argon2"

	"prana/auth/internal/app"
)

// Hasher hashes with the current Params, at most a bounded number at a time.
type Hasher struct {
	params Params
	gate   *Gate
}

// New returns a Hasher using p, admitting work through gate.
func New(p Params, gate *Gate) *Hasher {
	return &Hasher{params: p, gate: gate}
}

// Hash returns the PHC string of password with a fresh random salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash: salt: %w", err)
	}
	p := phc{variant: "argon2id", params: h.params, salt: salt}
	key, err := h.derive(ctx, p, password)
	if err != nil {
		return "", err
	}
	p.key = key
	return p.String(), nil
}

// Decoy returns a PHC string with the current parameters and random salt
// and key: no password matches it (the chance is 2^-256), and verifying
// against it runs the same argon2 work as a real hash. Making one needs no
// hashing, so nothing has to be computed, or held in memory, at start-up.
func (h *Hasher) Decoy() string {
	p := phc{variant: "argon2id", params: h.params,
		salt: make([]byte, h.params.SaltLen), key: make([]byte, h.params.KeyLen)}
	_, _ = rand.Read(p.salt) // crypto/rand.Read never fails (Go 1.24+)
	_, _ = rand.Read(p.key)
	return p.String()
}

// Verify checks password against a PHC hash using the hash's own
// parameters, and reports whether those differ from the current ones.
func (h *Hasher) Verify(ctx context.Context, password, hash string) (match, outdated bool, err error) {
	p, err := parsePHC(hash)
	if err != nil {
		return false, false, fmt.Errorf("verify: %w", err)
	}
	key, err := h.derive(ctx, p, password)
	if err != nil {
		return false, false, err
	}
	match = subtle.ConstantTimeCompare(key, p.key) == 1
	outdated = p.variant != "argon2id" || p.params != h.params
	return match, outdated, nil
}

// derive runs argon2 once a slot in the gate is free. Each run allocates
// the whole memory cost, which is why the gate exists.
func (h *Hasher) derive(ctx context.Context, p phc, password string) ([]byte, error) {
	release, err := h.gate.Enter(ctx, int64(p.params.MemoryKiB)<<10)
	if err != nil {
		return nil, err
	}
	defer release()
	fn := argon2.IDKey
	if p.variant == "argon2i" {
		fn = argon2.Key
	}
	return fn([]byte(password), p.salt, p.params.Iterations, p.params.MemoryKiB, p.params.Parallelism, p.params.KeyLen), nil
}

var _ app.PasswordHasher = (*Hasher)(nil)
