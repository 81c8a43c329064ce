package jwtverify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// Config says how tokens are checked.
type Config struct {
	// Algorithm is the only one accepted: "EdDSA" (default) or "HS256".
	Algorithm string
	// Secret is the HS256 key.
	Secret []byte
	// Keys verifies EdDSA tokens when the keys are at hand (the auth
	// service's own); otherwise JWKSURL is fetched.
	Keys jwk.Set
	// JWKSURL is where the auth service publishes its public keys.
	JWKSURL string
	// Issuer and Audience are checked when not empty.
	Issuer, Audience string
	// Leeway tolerates clock skew on exp and nbf.
	Leeway time.Duration
	// RefetchInterval bounds refetches triggered by an unknown kid
	// (default 30 s), so garbage tokens cannot make us hammer the JWKS.
	RefetchInterval time.Duration
}

// Verifier checks tokens. It is safe for concurrent use.
type Verifier struct {
	cfg    Config
	keyOpt jwt.ParseOption
	remote *remoteKeys
}

// New returns a Verifier. With a JWKS URL it fetches the keys before
// returning; if that fails (the auth service is not up yet) it does not
// give up: Verify answers ErrKeysUnavailable until a fetch succeeds.
func New(ctx context.Context, cfg Config) (*Verifier, error) {
	v := &Verifier{cfg: cfg}
	switch cfg.Algorithm {
	case "HS256":
		if len(cfg.Secret) == 0 {
			return nil, errors.New("jwtverify: HS256 needs a secret")
		}
		v.keyOpt = jwt.WithKey(jwa.HS256, cfg.Secret)
	case "EdDSA", "":
		v.cfg.Algorithm = "EdDSA"
		if cfg.Keys == nil {
			if cfg.JWKSURL == "" {
				return nil, errors.New("jwtverify: EdDSA needs keys or a JWKS URL")
			}
			r, err := newRemoteKeys(ctx, cfg.JWKSURL, cfg.RefetchInterval)
			if err != nil {
				return nil, err
			}
			v.remote = r
		}
	default:
		return nil, fmt.Errorf("jwtverify: unsupported algorithm %q", cfg.Algorithm)
	}
	return v, nil
}

// Verify checks raw and returns its claims. Every failure wraps ErrInvalid.
func (v *Verifier) Verify(ctx context.Context, raw string) (Claims, error) {
	if v.remote != nil {
		if _, err := v.remote.keys(ctx); err != nil {
			return Claims{}, err
		}
	}
	tok, err := v.parse(ctx, raw)
	if err != nil && v.remote != nil && isUnknownKey(err) && v.remote.refetch(ctx) {
		tok, err = v.parse(ctx, raw)
	}
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired()) {
			return Claims{}, ErrExpired
		}
		return Claims{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return profileFrom(tok)
}

func (v *Verifier) parse(ctx context.Context, raw string) (jwt.Token, error) {
	opts := []jwt.ParseOption{
		jwt.WithContext(ctx),
		jwt.WithValidate(true),
		jwt.WithRequiredClaim("exp"),
		jwt.WithAcceptableSkew(v.cfg.Leeway),
	}
	if v.cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(v.cfg.Issuer))
	}
	if v.cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(v.cfg.Audience))
	}
	switch {
	case v.keyOpt != nil:
		opts = append(opts, v.keyOpt)
	case v.remote != nil:
		opts = append(opts, jwt.WithKeySet(v.remote.cached, jwsRequireEdDSA()...))
	default:
		opts = append(opts, jwt.WithKeySet(v.cfg.Keys, jwsRequireEdDSA()...))
	}
	return jwt.ParseString(raw, opts...)
}

// Ping reports whether the verification keys are available (readiness).
func (v *Verifier) Ping(ctx context.Context) error {
	if v.remote == nil {
		return nil
	}
	return v.remote.ping(ctx)
}
