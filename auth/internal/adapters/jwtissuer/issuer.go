package jwtissuer

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"prana/auth/internal/app"
	"prana/auth/internal/domain"
)

// Config says how tokens are signed.
type Config struct {
	Algorithm string // "EdDSA" or "HS256"
	// PrivateKey signs EdDSA tokens; PreviousKeys are published in the JWKS
	// so tokens signed before a rotation still verify.
	PrivateKey   ed25519.PrivateKey
	PreviousKeys []ed25519.PublicKey
	Secret       []byte // HS256
	Issuer       string // "iss"; omitted when empty
	Audience     string // "aud"; omitted when empty
	TTL          time.Duration
}

// Issuer signs tokens and publishes the verification keys.
type Issuer struct {
	cfg     Config
	signKey jwt.SignEncryptParseOption
	public  jwk.Set
	now     func() time.Time
}

// New prepares the signing key and the public key set.
func New(cfg Config) (*Issuer, error) {
	is := &Issuer{cfg: cfg, public: jwk.NewSet(), now: time.Now}
	switch cfg.Algorithm {
	case "HS256":
		if len(cfg.Secret) == 0 {
			return nil, errors.New("jwtissuer: HS256 needs a secret")
		}
		is.signKey = jwt.WithKey(jwa.HS256, cfg.Secret)
	case "EdDSA":
		priv, err := jwk.FromRaw(cfg.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("jwtissuer: %w", err)
		}
		pub, err := publicJWK(cfg.PrivateKey.Public().(ed25519.PublicKey))
		if err != nil {
			return nil, err
		}
		_ = priv.Set(jwk.KeyIDKey, pub.KeyID())
		_ = priv.Set(jwk.AlgorithmKey, jwa.EdDSA)
		is.signKey = jwt.WithKey(jwa.EdDSA, priv)
		if err := is.publish(pub, cfg.PreviousKeys); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("jwtissuer: unsupported algorithm %q", cfg.Algorithm)
	}
	return is, nil
}

func (is *Issuer) publish(current jwk.Key, previous []ed25519.PublicKey) error {
	if err := is.public.AddKey(current); err != nil {
		return fmt.Errorf("jwtissuer: %w", err)
	}
	for _, p := range previous {
		k, err := publicJWK(p)
		if err != nil {
			return err
		}
		if err := is.public.AddKey(k); err != nil {
			return fmt.Errorf("jwtissuer: %w", err)
		}
	}
	return nil
}

// PublicKeys is the JWKS: public keys only (empty in HS256 mode, whose key
// is a shared secret).
func (is *Issuer) PublicKeys() jwk.Set { return is.public }

// Issue signs an access token for u carrying the seed's profile claims.
func (is *Issuer) Issue(_ context.Context, u domain.User) (string, time.Duration, error) {
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
	signed, err := jwt.Sign(tok, is.signKey)
	if err != nil {
		return "", 0, fmt.Errorf("sign token: %w", err)
	}
	return string(signed), is.cfg.TTL, nil
}

func newTokenID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var _ app.TokenIssuer = (*Issuer)(nil)
