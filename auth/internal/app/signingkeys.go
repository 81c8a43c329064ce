package app

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"time"
)

// SigningKey is one EdDSA key and its place in the rotation: it is published
// in the JWKS from its creation until PublishUntil, and signs from SignFrom
// until SignUntil. A zero end time means "no end yet".
type SigningKey struct {
	ID      string // RFC 7638 thumbprint of the public key: the JWT "kid"
	Public  ed25519.PublicKey
	Private ed25519.PrivateKey // nil once the key has expired
	// Origin says where the key came from: generated, imported (a key file
	// of an older release) or file (JWT_PRIVATE_KEY_FILE, never stored).
	Origin                  string
	Created, SignFrom       time.Time
	SignUntil, PublishUntil time.Time
}

// Key origins.
const (
	OriginGenerated = "generated"
	OriginImported  = "imported"
	OriginFile      = "file"
)

// KeyState is where a key stands at a moment.
type KeyState string

// The states of a key, in the order it passes through them.
const (
	KeyPending KeyState = "pending" // published, not signing yet
	KeyActive  KeyState = "active"  // signing
	KeyRetired KeyState = "retired" // published, no longer signing
	KeyExpired KeyState = "expired" // gone from the JWKS
)

// State is k's state at now.
func (k SigningKey) State(now time.Time) KeyState {
	switch {
	case !k.PublishUntil.IsZero() && !now.Before(k.PublishUntil):
		return KeyExpired
	case now.Before(k.SignFrom):
		return KeyPending
	case !k.SignUntil.IsZero() && !now.Before(k.SignUntil):
		return KeyRetired
	default:
		return KeyActive
	}
}

// NewSigningKey wraps an Ed25519 key pair, naming it by its thumbprint.
func NewSigningKey(priv ed25519.PrivateKey, origin string) SigningKey {
	pub := priv.Public().(ed25519.PublicKey)
	return SigningKey{ID: KeyID(pub), Public: pub, Private: priv, Origin: origin}
}

// KeyID is the RFC 7638 JWK thumbprint of an Ed25519 public key, so the same
// key always has the same kid, whichever replica or release names it.
func KeyID(pub ed25519.PublicKey) string {
	// The required members of an OKP key, in lexicographic order, no spaces.
	canonical := `{"crv":"Ed25519","kty":"OKP","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `"}`
	sum := sha256.Sum256([]byte(canonical))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// KeyEnd schedules the end of a key's signing and publishing.
type KeyEnd struct {
	ID                      string
	SignUntil, PublishUntil time.Time
}

// KeyChange is what one step of the key lifecycle writes.
type KeyChange struct {
	Add []SigningKey
	End []KeyEnd
}

// Empty reports whether c writes nothing.
func (c KeyChange) Empty() bool { return len(c.Add) == 0 && len(c.End) == 0 }

// KeyPlan decides a change from the stored keys and the store's clock.
type KeyPlan func(keys []SigningKey, now time.Time) (KeyChange, error)

// SigningKeyStore keeps the signing keys that every replica shares.
type SigningKeyStore interface {
	// SigningKeys returns every stored key, expired ones included (without
	// their private half). It fails with ErrSealKeyMissing or
	// ErrSealKeyWrong when private keys cannot be opened.
	SigningKeys(ctx context.Context) ([]SigningKey, error)
	// ChangeSigningKeys runs plan while holding a lock that one caller in
	// the whole cluster holds at a time, on the keys and the database clock
	// as they are then, and writes the change plan returns in the same
	// transaction. It also wipes the private halves of expired keys.
	ChangeSigningKeys(ctx context.Context, plan KeyPlan) (KeyChange, error)
}

// ErrSealKeyMissing means stored private keys are sealed and no seal key was
// given; ErrSealKeyWrong means the given seal key does not open them. Either
// way the service must not start: it would sign with nothing, or garbage.
var (
	ErrSealKeyMissing = errors.New("stored signing keys are sealed, and no seal key is set")
	ErrSealKeyWrong   = errors.New("the seal key does not open the stored signing keys")
)
