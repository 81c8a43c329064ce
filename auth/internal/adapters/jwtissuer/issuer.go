package jwtissuer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"prana/auth/internal/app"
	"prana/auth/internal/domain"
)

// KeySource is where EdDSA signing keys come from: the key ring every
// replica shares.
type KeySource interface {
	// Signer is the key to sign with now.
	Signer() (app.SigningKey, error)
	// Published is the keys to publish now.
	Published() []app.SigningKey
}

// Config says how tokens are signed.
type Config struct {
	Algorithm string    // "EdDSA" or "HS256"
	Keys      KeySource // EdDSA
	Secret    []byte    // HS256
	Issuer    string    // "iss"; omitted when empty
	Audience  string    // "aud"; omitted when empty
	TTL       time.Duration
}

// Issuer signs tokens and publishes the verification keys.
type Issuer struct {
	cfg     Config
	hmacKey jwt.SignEncryptParseOption // HS256
	now     func() time.Time

	// The JWK forms of the keys, rebuilt only when the keys change.
	mu       sync.Mutex
	private  map[string]jwt.SignEncryptParseOption
	jwks     jwk.Set
	jwksKids string
}

// New prepares the issuer.
func New(cfg Config) (*Issuer, error) {
	is := &Issuer{cfg: cfg, now: time.Now, private: map[string]jwt.SignEncryptParseOption{}, jwks: jwk.NewSet()}
	switch cfg.Algorithm {
	case "HS256":
		if len(cfg.Secret) == 0 {
			return nil, errors.New("jwtissuer: HS256 needs a secret")
		}
		is.hmacKey = jwt.WithKey(jwa.HS256, cfg.Secret)
	case "EdDSA":
		if cfg.Keys == nil {
			return nil, errors.New("jwtissuer: EdDSA needs a key source")
		}
	default:
		return nil, fmt.Errorf("jwtissuer: unsupported algorithm %q", cfg.Algorithm)
	}
	return is, nil
}

// PublicKeys is the JWKS: public keys only (empty in HS256 mode, whose key
// is a shared secret). The same set is returned for as long as the
// published keys stay the same, so verifiers can cache by it.
func (is *Issuer) PublicKeys() jwk.Set {
	if is.cfg.Keys == nil {
		return is.jwks
	}
	keys := is.cfg.Keys.Published()
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	kids := strings.Join(ids, " ")
	is.mu.Lock()
	defer is.mu.Unlock()
	if kids == is.jwksKids {
		return is.jwks
	}
	set := jwk.NewSet()
	for _, k := range keys {
		pub, err := publicJWK(k.Public)
		if err != nil {
			continue // cannot happen for a 32-byte key; the tests check it
		}
		_ = set.AddKey(pub)
	}
	is.jwks, is.jwksKids = set, kids
	return set
}

// Issue signs an access token for u carrying the seed's profile claims, and
// the session it belongs to ("sid") when there is one.
func (is *Issuer) Issue(_ context.Context, u domain.User, sessionID string) (string, time.Duration, error) {
	key, err := is.signingKey()
	if err != nil {
		return "", 0, err
	}
	now := is.now().Truncate(time.Second)
	b := jwt.NewBuilder().
		Subject(u.ID).
		IssuedAt(now).
		Expiration(now.Add(is.cfg.TTL)).
		JwtID(newTokenID()).
		Claim("id", u.ID).
		Claim("name", u.Name).
		Claim("surname", u.Surname).
		Claim("email", u.Email).
		Claim("date_of_birth", u.DateOfBirth.Format(domain.DateLayout))
	if sessionID != "" {
		b = b.Claim("sid", sessionID)
	}
	if is.cfg.Issuer != "" {
		b = b.Issuer(is.cfg.Issuer)
	}
	if is.cfg.Audience != "" {
		b = b.Audience([]string{is.cfg.Audience})
	}
	tok, err := b.Build()
	if err != nil {
		return "", 0, fmt.Errorf("build token: %w", err)
	}
	signed, err := jwt.Sign(tok, key)
	if err != nil {
		return "", 0, fmt.Errorf("sign token: %w", err)
	}
	return string(signed), is.cfg.TTL, nil
}

// signingKey is the jwx form of the key that signs now.
func (is *Issuer) signingKey() (jwt.SignEncryptParseOption, error) {
	if is.hmacKey != nil {
		return is.hmacKey, nil
	}
	k, err := is.cfg.Keys.Signer()
	if err != nil {
		return nil, fmt.Errorf("sign token: %w", err)
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	if opt, ok := is.private[k.ID]; ok {
		return opt, nil
	}
	priv, err := jwk.FromRaw(k.Private)
	if err != nil {
		return nil, fmt.Errorf("sign token: %w", err)
	}
	_ = priv.Set(jwk.KeyIDKey, k.ID)
	_ = priv.Set(jwk.AlgorithmKey, jwa.EdDSA)
	opt := jwt.WithKey(jwa.EdDSA, priv)
	if len(is.private) > 16 { // keys rotate rarely; old ones are not needed
		clear(is.private)
	}
	is.private[k.ID] = opt
	return opt, nil
}

func newTokenID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var _ app.TokenIssuer = (*Issuer)(nil)
