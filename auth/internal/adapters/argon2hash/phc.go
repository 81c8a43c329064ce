// Package argon2hash hashes passwords with argon2id and stores them as PHC
// strings ($argon2id$v=19$m=…,t=…,p=…$salt$hash), the format passlib wrote
// for the seed, so hashes move between the two systems.
package argon2hash

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Params are argon2 cost parameters.
type Params struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
	SaltLen     uint32
	KeyLen      uint32
}

// DefaultParams are OWASP's recommendation: 19 MiB, 2 passes, 1 lane.
var DefaultParams = Params{MemoryKiB: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLen: 16, KeyLen: 32}

// phc is a parsed PHC string.
type phc struct {
	variant string // "argon2id" or "argon2i"
	params  Params
	salt    []byte
	key     []byte
}

var b64 = base64.RawStdEncoding

var errMalformed = errors.New("malformed argon2 hash")

// maxMemoryKiB bounds what a stored hash may ask for, so a tampered or
// foreign hash cannot make one login allocate gigabytes.
const maxMemoryKiB = 1 << 20

func parsePHC(s string) (phc, error) {
	// "", variant, "v=19", "m=..,t=..,p=..", salt, hash
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return phc{}, errMalformed
	}
	h := phc{variant: parts[1]}
	if h.variant != "argon2id" && h.variant != "argon2i" {
		return phc{}, fmt.Errorf("%w: unsupported variant %q", errMalformed, h.variant)
	}
	if parts[2] != "v=19" {
		return phc{}, fmt.Errorf("%w: unsupported version", errMalformed)
	}
	if err := parseCosts(parts[3], &h.params); err != nil {
		return phc{}, err
	}
	var err error
	if h.salt, err = b64.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return phc{}, fmt.Errorf("%w: salt", errMalformed)
	}
	if h.key, err = b64.DecodeString(parts[5]); err != nil || len(h.key) < 16 {
		return phc{}, fmt.Errorf("%w: digest", errMalformed)
	}
	h.params.SaltLen, h.params.KeyLen = uint32(len(h.salt)), uint32(len(h.key))
	return h, nil
}

// parseCosts reads m, t and p, each exactly once: "m=…,m=…,t=…" would
// otherwise count as three and leave p at 0, on which argon2 panics.
func parseCosts(s string, p *Params) error {
	seen := 0
	keys := map[string]bool{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || n == 0 || keys[k] {
			return fmt.Errorf("%w: parameters", errMalformed)
		}
		keys[k] = true
		switch k {
		case "m":
			p.MemoryKiB = uint32(n)
		case "t":
			p.Iterations = uint32(n)
		case "p":
			if n > 255 {
				return fmt.Errorf("%w: parallelism", errMalformed)
			}
			p.Parallelism = uint8(n)
		default:
			continue
		}
		seen++
	}
	if seen != 3 || p.MemoryKiB > maxMemoryKiB || p.MemoryKiB < 8*uint32(p.Parallelism) {
		return fmt.Errorf("%w: parameters", errMalformed)
	}
	return nil
}

func (h phc) String() string {
	return fmt.Sprintf("$%s$v=19$m=%d,t=%d,p=%d$%s$%s", h.variant,
		h.params.MemoryKiB, h.params.Iterations, h.params.Parallelism,
		b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}
