package jwtverify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// DefaultLeeway is the clock skew tolerated on exp and nbf by both services.
const DefaultLeeway = 30 * time.Second

// Config says how tokens are checked.
type Config struct {
	// Algorithm is the only one accepted: "EdDSA" (default) or "HS256".
	Algorithm string
	// Secret is the HS256 key.
	Secret []byte
	// Keys verifies EdDSA tokens when the keys are at hand (the auth
	// service's own); otherwise JWKSURL is fetched.
	Keys jwk.Set
	// KeysFunc, when set, is asked for the keys on every verification
	// instead of Keys: the auth service's keys change as they rotate. It
	// must return the same set for as long as the keys stay the same.
	KeysFunc func() jwk.Set
	// JWKSURL is where the auth service publishes its public keys.
	JWKSURL string
	// Issuer and Audience are checked when not empty.
	Issuer, Audience string
	// Leeway tolerates clock skew on exp and nbf.
	Leeway time.Duration
	// RefetchInterval bounds refetches triggered by an unknown kid
	// (default 30 s), so garbage tokens cannot make us hammer the JWKS. It
	// is also the shortest time a fetched JWKS is used before the next.
	RefetchInterval time.Duration
	// Now is the clock tokens and key freshness are judged by; nil means
	// time.Now. Tests set it to move time without sleeping.
	Now func() time.Time
}

// Verifier checks tokens. It is safe for concurrent use.
type Verifier struct {
	cfg      Config
	sig      *signatureCheck
	remote   *remoteKeys
	verified *verifiedTokens
}

// New returns a Verifier. With a JWKS URL it fetches the keys before
// returning; if that fails (the auth service is not up yet) it does not
// give up: Verify answers ErrKeysUnavailable until a fetch succeeds.
func New(ctx context.Context, cfg Config) (*Verifier, error) {
	v := &Verifier{cfg: cfg, verified: newVerifiedTokens()}
	if v.cfg.Now == nil {
		v.cfg.Now = time.Now
	}
	switch cfg.Algorithm {
	case "HS256":
		if len(cfg.Secret) == 0 {
			return nil, errors.New("jwtverify: HS256 needs a secret")
		}
	case "EdDSA", "":
		v.cfg.Algorithm = "EdDSA"
		if cfg.Keys == nil && cfg.KeysFunc == nil {
			if cfg.JWKSURL == "" {
				return nil, errors.New("jwtverify: EdDSA needs keys or a JWKS URL")
			}
			v.remote = newRemoteKeys(ctx, cfg.JWKSURL, cfg.RefetchInterval, v.cfg.Now)
		}
	default:
		return nil, fmt.Errorf("jwtverify: unsupported algorithm %q", cfg.Algorithm)
	}
	v.sig = newSignatureCheck(v.cfg.Algorithm, cfg.Secret)
	return v, nil
}

// MaxTokenBytes bounds the tokens Verify looks at. Prana's are about 600
// bytes; anything much longer is refused before it is decoded.
const MaxTokenBytes = 8 << 10

// Verify checks raw and returns its claims. Every failure wraps ErrInvalid.
func (v *Verifier) Verify(ctx context.Context, raw string) (Claims, error) {
	if err := checkCompact(raw); err != nil {
		return Claims{}, err
	}
	keys := v.cfg.Keys
	if v.cfg.KeysFunc != nil {
		keys = v.cfg.KeysFunc()
	}
	if v.remote != nil {
		var err error
		if keys, err = v.remote.keys(ctx); err != nil {
			return Claims{}, err
		}
	}
	if c, ok := v.verified.lookup(raw, keys, v.cfg.Now()); ok {
		return c, nil
	}
	// The signature first: a forged token must cost no more than its check.
	err := v.sig.check(raw, keys)
	if errors.Is(err, errUnknownKey) && v.remote != nil && v.remote.refetch(ctx) {
		keys, _ = v.remote.keys(ctx)
		err = v.sig.check(raw, keys)
	}
	if err != nil {
		return Claims{}, err
	}
	tok, err := v.parse(ctx, raw)
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired()) {
			return Claims{}, ErrExpired
		}
		return Claims{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	// jwx skips its exp check when exp is 0 (the epoch): such a token
	// would never expire.
	if tok.Expiration().Unix() <= 0 {
		return Claims{}, ErrExpired
	}
	c, err := profileFrom(tok)
	if err != nil {
		return Claims{}, err
	}
	v.verified.remember(raw, keys, c, v.cfg.Now())
	return c, nil
}

// parse decodes and validates the claims of raw, whose signature was
// checked already: jwx is not asked to check it again.
func (v *Verifier) parse(ctx context.Context, raw string) (jwt.Token, error) {
	opts := []jwt.ParseOption{
		jwt.WithContext(ctx),
		jwt.WithVerify(false),
		jwt.WithClock(jwt.ClockFunc(v.cfg.Now)),
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
	return jwt.ParseString(raw, opts...)
}

// checkCompact admits only what an access token can be: a JWS in compact
// serialization (three non-empty base64url parts) of bounded size. jwx
// would also parse the JSON serialization, and an unsigned token ("alg":
// "none") has an empty third part: both are refused here, before decoding.
func checkCompact(raw string) error {
	if len(raw) > MaxTokenBytes {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalid, MaxTokenBytes)
	}
	segment, dots := 0, 0 // segment: length of the current part
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == '.':
			if segment == 0 {
				return fmt.Errorf("%w: not a compact JWS", ErrInvalid)
			}
			dots, segment = dots+1, 0
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			segment++
		default:
			return fmt.Errorf("%w: not a compact JWS", ErrInvalid)
		}
	}
	if dots != 2 || segment == 0 {
		return fmt.Errorf("%w: not a compact JWS", ErrInvalid)
	}
	return nil
}

// Ping reports whether the verification keys are available (readiness).
func (v *Verifier) Ping(ctx context.Context) error {
	if v.remote == nil {
		return nil
	}
	return v.remote.ping(ctx)
}
