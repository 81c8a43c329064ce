package app

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"time"
)

// KeyPolicy is the rotation schedule. The rules it keeps:
//   - publish before sign: a new key is in the JWKS for Lead before any
//     replica signs with it, Lead covering the JWKS max-age verifiers cache
//     it for, the interval at which replicas reload the keys, and clock skew;
//   - keep the old key published for Retention after it stops signing: the
//     token lifetime plus leeway and skew, so every token it signed expires
//     before its key leaves the JWKS.
type KeyPolicy struct {
	Rotation  time.Duration // 0: never rotate by schedule
	Lead      time.Duration
	Retention time.Duration
	// Generate makes a new key pair (crypto/rand unless a test sets it).
	Generate func() (ed25519.PrivateKey, error)
}

// Bootstrap is the plan a replica runs at start: import imported (a key
// file of an older release) when it is not stored yet, and make sure some
// key signs. The first replica to start creates the first key; the lock of
// ChangeSigningKeys makes sure only one does.
func (p KeyPolicy) Bootstrap(imported *SigningKey) KeyPlan {
	return func(keys []SigningKey, now time.Time) (KeyChange, error) {
		var c KeyChange
		signer, pending := activeKey(keys, now), hasPending(keys, now)
		if imported != nil && !hasKey(keys, imported.ID) {
			k := *imported
			k.Origin, k.SignFrom = OriginImported, now
			if signer != nil || pending {
				// Another key signs: keep this one only for the tokens it
				// signed before the upgrade.
				k.SignUntil, k.PublishUntil = now, now.Add(p.Retention)
			}
			c.Add = append(c.Add, k)
			if signer == nil && !pending {
				return c, nil
			}
		}
		if signer == nil && !pending {
			k, err := p.newKey(now)
			if err != nil {
				return KeyChange{}, err
			}
			c.Add = append(c.Add, k)
		}
		return c, nil
	}
}

// Scheduled is the plan the replicas run on each tick: start a rotation when
// the signing key has served its time and none is under way.
func (p KeyPolicy) Scheduled() KeyPlan {
	return func(keys []SigningKey, now time.Time) (KeyChange, error) {
		signer := activeKey(keys, now)
		if p.Rotation <= 0 || signer == nil || hasPending(keys, now) {
			return KeyChange{}, nil
		}
		if now.Before(signer.SignFrom.Add(p.Rotation - p.Lead)) {
			return KeyChange{}, nil
		}
		return p.rotate(*signer, now)
	}
}

// Forced is the plan of `auth keys rotate`: a rotation now, under the same
// publish-before-sign rule. With a rotation already under way it does
// nothing.
func (p KeyPolicy) Forced() KeyPlan {
	return func(keys []SigningKey, now time.Time) (KeyChange, error) {
		signer := activeKey(keys, now)
		if signer == nil || hasPending(keys, now) {
			return KeyChange{}, nil
		}
		return p.rotate(*signer, now)
	}
}

// rotate adds the next key, signing Lead from now, and schedules the end of
// the current one.
func (p KeyPolicy) rotate(current SigningKey, now time.Time) (KeyChange, error) {
	next, err := p.newKey(now.Add(p.Lead))
	if err != nil {
		return KeyChange{}, err
	}
	end := KeyEnd{ID: current.ID, SignUntil: next.SignFrom, PublishUntil: next.SignFrom.Add(p.Retention)}
	return KeyChange{Add: []SigningKey{next}, End: []KeyEnd{end}}, nil
}

func (p KeyPolicy) newKey(signFrom time.Time) (SigningKey, error) {
	gen := p.Generate
	if gen == nil {
		gen = generateEd25519
	}
	priv, err := gen()
	if err != nil {
		return SigningKey{}, fmt.Errorf("generate signing key: %w", err)
	}
	k := NewSigningKey(priv, OriginGenerated)
	k.SignFrom = signFrom
	return k, nil
}

func generateEd25519() (ed25519.PrivateKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	return priv, err
}

// activeKey is the key that signs at now: of the keys in their signing
// window, the one that started last.
func activeKey(keys []SigningKey, now time.Time) *SigningKey {
	var best *SigningKey
	for i := range keys {
		k := &keys[i]
		if k.Private == nil || k.State(now) != KeyActive {
			continue
		}
		if best == nil || k.SignFrom.After(best.SignFrom) {
			best = k
		}
	}
	return best
}

func hasPending(keys []SigningKey, now time.Time) bool {
	for _, k := range keys {
		if k.State(now) == KeyPending {
			return true
		}
	}
	return false
}

func hasKey(keys []SigningKey, id string) bool {
	for _, k := range keys {
		if k.ID == id {
			return true
		}
	}
	return false
}
