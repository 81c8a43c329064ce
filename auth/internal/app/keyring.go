package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"prana/shared/periodic"
)

// ErrNoSigningKey means no key may sign right now. It cannot happen while
// the replicas reload the keys as configured; if it does, logins answer 503.
var ErrNoSigningKey = fmt.Errorf("%w: no signing key is active", ErrUnavailable)

// KeyRing is one replica's view of the shared signing keys. It reloads them
// from the store at an interval (polling: it works through any connection
// pooler, and the rotation schedule is set far enough ahead that a bounded
// delay is all it needs) and runs the rotation steps that fall due. Reads
// are lock-free.
type KeyRing struct {
	store  SigningKeyStore
	policy KeyPolicy
	log    *slog.Logger
	now    func() time.Time
	// fixed, when set, is the only key that signs (JWT_PRIVATE_KEY_FILE):
	// nothing is generated or rotated. extra keys are published as well.
	fixed *SigningKey
	extra []SigningKey
	keys  atomic.Pointer[keySnapshot]
}

type keySnapshot struct {
	keys []SigningKey
}

// KeyRingConfig configures a KeyRing.
type KeyRingConfig struct {
	Store  SigningKeyStore
	Policy KeyPolicy
	Log    *slog.Logger
	// Fixed is an operator's own key (JWT_PRIVATE_KEY_FILE): it signs, and
	// the ring neither generates nor rotates. Extra are public keys that
	// stay published (JWT_PREVIOUS_PUBLIC_KEY_FILES).
	Fixed *SigningKey
	Extra []SigningKey
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// NewKeyRing returns a ring with no keys loaded: call Start.
func NewKeyRing(cfg KeyRingConfig) *KeyRing {
	r := &KeyRing{store: cfg.Store, policy: cfg.Policy, log: cfg.Log, now: cfg.Now, fixed: cfg.Fixed, extra: cfg.Extra}
	if r.now == nil {
		r.now = time.Now
	}
	r.keys.Store(&keySnapshot{})
	return r
}

// Start imports imported (a key file of an older release; may be nil),
// creates the first key when there is none, and loads the keys.
func (r *KeyRing) Start(ctx context.Context, imported *SigningKey) error {
	if r.fixed == nil {
		c, err := r.store.ChangeSigningKeys(ctx, r.policy.Bootstrap(imported))
		if err != nil {
			return fmt.Errorf("signing keys: %w", err)
		}
		r.logChange("signing keys set up", c)
	}
	return r.Reload(ctx)
}

// Reload reads the stored keys.
func (r *KeyRing) Reload(ctx context.Context) error {
	keys, err := r.store.SigningKeys(ctx)
	if err != nil {
		return fmt.Errorf("signing keys: %w", err)
	}
	if !sameKeys(r.keys.Load().keys, keys) {
		r.keys.Store(&keySnapshot{keys: keys})
	}
	return nil
}

// Run reloads the keys every interval, and runs the rotation step that
// falls due, until ctx ends. A failed round is logged and retried at the
// next tick; the keys loaded before keep serving.
func (r *KeyRing) Run(ctx context.Context, interval time.Duration) {
	periodic.Run(ctx, interval, func(ctx context.Context) {
		if err := r.tick(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("signing keys: reload failed; the loaded keys stay in use", "err", err)
		}
	})
}

func (r *KeyRing) tick(ctx context.Context) error {
	if err := r.Reload(ctx); err != nil {
		return err
	}
	if r.fixed != nil || !r.stepDue() {
		return nil
	}
	c, err := r.store.ChangeSigningKeys(ctx, r.policy.Scheduled())
	if err != nil {
		return err
	}
	r.logChange("signing key rotation started", c)
	return r.Reload(ctx)
}

// stepDue reports, on the loaded keys and this replica's clock, whether a
// rotation step or the wiping of an expired key is due. Only then does the
// replica take the cluster-wide lock, where the step is decided again on
// fresh rows and the database's clock.
func (r *KeyRing) stepDue() bool {
	now, keys := r.now(), r.keys.Load().keys
	for _, k := range keys {
		if k.Private != nil && k.State(now) == KeyExpired {
			return true
		}
	}
	c, err := r.policy.Scheduled()(keys, now)
	return err != nil || !c.Empty()
}

// Rotate starts a rotation now (`auth keys rotate`). It reports the change,
// which is empty when a rotation is already under way.
func (r *KeyRing) Rotate(ctx context.Context) (KeyChange, error) {
	if r.fixed != nil {
		return KeyChange{}, errors.New("the signing key comes from JWT_PRIVATE_KEY_FILE: rotate it there")
	}
	c, err := r.store.ChangeSigningKeys(ctx, r.policy.Forced())
	if err != nil {
		return KeyChange{}, fmt.Errorf("rotate signing keys: %w", err)
	}
	r.logChange("signing key rotation started", c)
	return c, r.Reload(ctx)
}

// Signer is the key to sign with now.
func (r *KeyRing) Signer() (SigningKey, error) {
	if r.fixed != nil {
		return *r.fixed, nil
	}
	if k := activeKey(r.keys.Load().keys, r.now()); k != nil {
		return *k, nil
	}
	return SigningKey{}, ErrNoSigningKey
}

// Published is the keys to publish now, in a stable order.
func (r *KeyRing) Published() []SigningKey {
	snap, now := r.keys.Load(), r.now()
	var out []SigningKey
	if r.fixed != nil {
		out = append(out, *r.fixed)
	}
	out = append(out, r.extra...)
	for _, k := range snap.keys {
		if s := k.State(now); s != KeyExpired && (r.fixed == nil || k.ID != r.fixed.ID) {
			out = append(out, k)
		}
	}
	return out
}

// Keys is every loaded key (for `auth keys list`).
func (r *KeyRing) Keys() []SigningKey { return r.keys.Load().keys }

// Now is the ring's clock.
func (r *KeyRing) Now() time.Time { return r.now() }

func (r *KeyRing) logChange(msg string, c KeyChange) {
	for _, k := range c.Add {
		r.log.Info(msg, "kid", k.ID, "origin", k.Origin, "sign_from", k.SignFrom)
	}
	for _, e := range c.End {
		r.log.Info("signing key retiring", "kid", e.ID, "sign_until", e.SignUntil, "publish_until", e.PublishUntil)
	}
}

// sameKeys compares what matters to signing and publishing.
func sameKeys(a, b []SigningKey) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.ID != y.ID || !x.SignFrom.Equal(y.SignFrom) || !x.SignUntil.Equal(y.SignUntil) ||
			!x.PublishUntil.Equal(y.PublishUntil) || (x.Private == nil) != (y.Private == nil) {
			return false
		}
	}
	return true
}
