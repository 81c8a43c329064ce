package argon2hash

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"prana/auth/internal/app"
)

// Hashes written by passlib 1.7.4 (Debian's python3-passlib, as the seed
// used it: CryptContext(schemes=["argon2"])), password "seed-password-1":
//
//	python3 -c 'from passlib.context import CryptContext as C; print(C(schemes=["argon2"]).hash("seed-password-1"))'
const (
	passlibArgon2id = "$argon2id$v=19$m=102400,t=2,p=8$QMj5v3eu9X5vTUkJIYSQsg$cSv2ZaZNNi7gOGKTt0mCLQ"
	passlibArgon2i  = "$argon2i$v=19$m=102400,t=2,p=8$kFJqLYXQGuNcS6nVuldqrQ$Q+4ugXm0BToaO7YamMC4cg"
)

func newHasher() *Hasher {
	return New(DefaultParams, NewGate(2, 8, time.Second))
}

func TestHashIsPHCWithCurrentParams(t *testing.T) {
	t.Parallel()
	h := newHasher()
	got, err := h.Hash(context.Background(), "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected PHC prefix: %s", got)
	}
	other, _ := h.Hash(context.Background(), "correct horse")
	if other == got {
		t.Fatal("two hashes of one password are equal: salt is not random")
	}
	match, outdated, err := h.Verify(context.Background(), "correct horse", got)
	if err != nil || !match || outdated {
		t.Fatalf("Verify = %v, %v, %v; want match, current", match, outdated, err)
	}
	if match, _, _ := h.Verify(context.Background(), "wrong horse", got); match {
		t.Fatal("wrong password matched")
	}
}

func TestVerifySeedHashes(t *testing.T) {
	t.Parallel()
	h := newHasher()
	for _, hash := range []string{passlibArgon2id, passlibArgon2i} {
		match, outdated, err := h.Verify(context.Background(), "seed-password-1", hash)
		if err != nil || !match {
			t.Fatalf("passlib hash %s: match=%v err=%v", hash[:10], match, err)
		}
		if !outdated {
			t.Errorf("passlib hash %s not reported outdated", hash[:10])
		}
		if match, _, _ := h.Verify(context.Background(), "seed-password-2", hash); match {
			t.Fatalf("wrong password matched %s", hash[:10])
		}
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	t.Parallel()
	h := newHasher()
	for _, bad := range []string{
		"", "plain", "$2b$12$abcdefghijklmnopqrstuv",
		"$argon2d$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
	} {
		if _, _, err := h.Verify(context.Background(), "x", bad); err == nil {
			t.Errorf("Verify accepted %q", bad)
		}
	}
}

// TestGateAnswersBusyBeyondQueue runs in a synctest bubble: synctest.Wait
// returns once the second caller is blocked in the queue, with no polling.
func TestGateAnswersBusyBeyondQueue(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		g := NewGate(1, 1, time.Minute)
		release, err := g.Enter(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		queued := make(chan error, 1)
		go func() { // takes the one queue place
			r, err := g.Enter(context.Background(), 0)
			if err == nil {
				r()
			}
			queued <- err
		}()
		synctest.Wait()
		if g.Waiting() != 1 {
			t.Fatalf("%d waiting, want the second caller queued", g.Waiting())
		}
		if _, err := g.Enter(context.Background(), 0); !errors.Is(err, app.ErrBusy) {
			t.Fatalf("third caller: got %v, want ErrBusy", err)
		}
		release()
		if err := <-queued; err != nil {
			t.Fatalf("the queued caller: %v, want a slot once it was freed", err)
		}
		if g.Running() != 0 || g.Waiting() != 0 {
			t.Fatalf("gate not drained: running %d waiting %d", g.Running(), g.Waiting())
		}
	})
}

func TestGateWaitIsBounded(t *testing.T) {
	t.Parallel()
	g := NewGate(1, 4, 50*time.Millisecond)
	release, _ := g.Enter(context.Background(), 0)
	defer release()
	start := time.Now()
	if _, err := g.Enter(context.Background(), 0); !errors.Is(err, app.ErrBusy) {
		t.Fatalf("got %v, want ErrBusy after the wait limit", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("wait was not bounded")
	}
}

func BenchmarkHashDefault(b *testing.B) {
	h := newHasher()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(context.Background(), "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecoyCostsAFullVerify: the decoy is a well-formed hash with the
// current parameters (so verifying it is not outdated and runs argon2 in
// full) that the password it is checked with does not match.
func TestDecoyCostsAFullVerify(t *testing.T) {
	params := Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}
	h := New(params, NewGate(1, 1, time.Second))
	decoy := h.Decoy()
	if decoy == h.Decoy() {
		t.Error("two decoys are equal: salt and key must be random")
	}
	p, err := parsePHC(decoy)
	if err != nil || p.variant != "argon2id" || p.params != params || len(p.salt) != 16 || len(p.key) != 32 {
		t.Fatalf("decoy %q parses as %+v, %v; want argon2id with the current parameters", decoy, p, err)
	}
	for _, pw := range []string{"pw", "", "decoy"} {
		match, outdated, err := h.Verify(context.Background(), pw, decoy)
		if err != nil || match || outdated {
			t.Errorf("Verify(%q, decoy) = %v, %v, %v; want no match, current, no error", pw, match, outdated, err)
		}
	}
}

// TestDecoyWithTheSeedsSettings: a decoy made from a stored hash's
// settings has those settings (so verifying it costs what verifying that
// hash does), a fresh salt and digest, and matches no password.
func TestDecoyWithTheSeedsSettings(t *testing.T) {
	t.Parallel()
	h := New(Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}, NewGate(1, 1, time.Second))
	const seed = "$argon2id$v=19$m=102400,t=2,p=8$QMj5v3eu9X5vTUkJIYSQsg$cSv2ZaZNNi7gOGKTt0mCLQ"
	settings := h.Settings(seed)
	if settings != "$argon2id$v=19$m=102400,t=2,p=8" {
		t.Fatalf("Settings(seed) = %q", settings)
	}
	for _, from := range []string{settings, "$argon2id$v=19$t=2,p=8,m=102400", settings + "$"} {
		d, ok := h.DecoyWith(from)
		if !ok || h.Settings(d) != settings {
			t.Fatalf("DecoyWith(%q) = %q, %v: want a hash with settings %q", from, d, ok, settings)
		}
		if d2, _ := h.DecoyWith(from); d2 == d {
			t.Error("two decoys alike: salt and digest must be random")
		}
	}
	for _, bad := range []string{"", "$argon2id$v=19", "$bcrypt$v=19$m=1,t=1,p=1", "$argon2id$v=19$m=4294967295,t=1,p=1"} {
		if d, ok := h.DecoyWith(bad); ok {
			t.Errorf("DecoyWith(%q) = %q: want false", bad, d)
		}
	}
	if h.Settings("not a hash") != "" {
		t.Error("Settings of a non-hash is not empty")
	}
	d, _ := h.DecoyWith(h.Settings(h.Decoy()))
	if match, outdated, err := h.Verify(t.Context(), "", d); match || outdated || err != nil {
		t.Errorf("current-settings decoy: match %v outdated %v err %v", match, outdated, err)
	}
}
