package argon2hash

import (
	"errors"
	"testing"
)

// FuzzParsePHC throws arbitrary strings at the PHC parser, which reads
// hashes from the database (possibly the seed's, possibly tampered).
// Whatever arrives: no panic; an error wraps errMalformed; an accepted
// hash has costs argon2 can run (it panics on zero passes or lanes) within
// the memory bound, salt and digest of usable length, and prints back to a
// string that parses to the same hash.
func FuzzParsePHC(f *testing.F) {
	for _, s := range []string{
		"$argon2id$v=19$m=102400,t=2,p=8$QMj5v3eu9X5vTUkJIYSQsg$cSv2ZaZNNi7gOGKTt0mCLQ",
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGlnZXN0",
		"$argon2i$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$ZGlnZXN0ZGlnZXN0ZGlnZXN0",
		"$argon2id$v=19$m=65536,m=65536,t=2$c2FsdHNhbHQ$ZGlnZXN0ZGlnZXN0ZGlnZXN0",
		"$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHQ$ZGlnZXN0ZGlnZXN0ZGlnZXN0",
		"$argon2id$v=19$m=8,t=1,p=1,x=7$c2FsdHNhbHQ$ZGlnZXN0ZGlnZXN0ZGlnZXN0",
		"$argon2d$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$ZGlnZXN0ZGlnZXN0ZGlnZXN0",
		"$argon2id$v=16$m=65536,t=2,p=1$c2FsdHNhbHQ$ZGlnZXN0ZGlnZXN0ZGlnZXN0",
		"$2b$12$abcdefghijklmnopqrstuu", "", "$", "$$$$$", "$argon2id$v=19$m=,t=,p=$$",
	} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, s string) {
		h, err := parsePHC(s)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("%q: %v, want errMalformed", s, err)
			}
			return
		}
		p := h.params
		switch {
		case h.variant != "argon2id" && h.variant != "argon2i":
			t.Fatalf("%q: variant %q", s, h.variant)
		case p.Iterations < 1 || p.Parallelism < 1:
			t.Fatalf("%q: t=%d p=%d: argon2 panics below 1", s, p.Iterations, p.Parallelism)
		case p.MemoryKiB > maxMemoryKiB || p.MemoryKiB < 8*uint32(p.Parallelism):
			t.Fatalf("%q: m=%d outside [8p, %d]", s, p.MemoryKiB, maxMemoryKiB)
		case len(h.salt) < 8 || len(h.key) < 16:
			t.Fatalf("%q: salt %d, digest %d bytes", s, len(h.salt), len(h.key))
		}
		again, err := parsePHC(h.String())
		if err != nil || again.String() != h.String() {
			t.Fatalf("%q prints as %q, which parses to %q, %v", s, h.String(), again.String(), err)
		}
	})
}
