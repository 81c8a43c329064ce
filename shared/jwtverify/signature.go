package jwtverify

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// The rejections of the signature check. They are made once: a flood of
// forged tokens must not cost an error value each.
var (
	errHeader       = fmt.Errorf("%w: malformed JOSE header", ErrInvalid)
	errAlgorithm    = fmt.Errorf("%w: algorithm not accepted", ErrInvalid)
	errNoKid        = fmt.Errorf("%w: no key ID (\"kid\") in the token", ErrInvalid)
	errUnknownKey   = fmt.Errorf("%w: no key with the token's key ID", ErrInvalid)
	errUnusableKey  = fmt.Errorf("%w: the key with the token's key ID cannot verify EdDSA", ErrInvalid)
	errBadSignature = fmt.Errorf("%w: signature does not verify", ErrInvalid)
)

// signatureCheck verifies a compact token's signature with the standard
// library, before jwx decodes anything: a forged token then costs one
// signature check and a small header decode, not a full JWS and claims
// parse. It applies the rules jwx applied when it checked signatures: the
// one configured algorithm; for EdDSA a kid naming the first key of the
// set with that kid, whose alg is EdDSA and whose use, if any, is "sig".
type signatureCheck struct {
	algorithm string
	hmacs     sync.Pool // of hmac.New(sha256.New, secret); nil New for EdDSA
	edKeys    atomic.Pointer[preparedKeys]
}

// preparedKeys are a key set's Ed25519 public keys by kid, decoded once
// per set rather than once per token.
type preparedKeys struct {
	set   jwk.Set
	byKid map[string]ed25519.PublicKey // nil value: the kid's key is unusable
}

func newSignatureCheck(algorithm string, secret []byte) *signatureCheck {
	s := &signatureCheck{algorithm: algorithm}
	if algorithm == "HS256" {
		s.hmacs.New = func() any { return hmac.New(sha256.New, secret) }
	}
	return s
}

// joseHeader is the little of the protected header the check needs.
type joseHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// check verifies raw, which checkCompact admitted, with keys (unused for
// HS256). It returns errUnknownKey when keys hold no key with raw's kid,
// so the caller may fetch the keys again.
func (s *signatureCheck) check(raw string, keys jwk.Set) error {
	b := []byte(raw) // the one copy: the signing input is its prefix
	headerEnd := strings.IndexByte(raw, '.')
	inputEnd := strings.LastIndexByte(raw, '.')
	h, err := decodeHeader(b[:headerEnd])
	if err != nil {
		return err
	}
	if h.Alg != s.algorithm {
		return errAlgorithm
	}
	if s.algorithm == "HS256" {
		return s.checkHMAC(b[:inputEnd], b[inputEnd+1:])
	}
	return s.checkEd25519(h.Kid, keys, b[:inputEnd], b[inputEnd+1:])
}

func decodeHeader(encoded []byte) (joseHeader, error) {
	var h joseHeader
	decoded := make([]byte, base64.RawURLEncoding.DecodedLen(len(encoded)))
	n, err := base64.RawURLEncoding.Decode(decoded, encoded)
	if err != nil || json.Unmarshal(decoded[:n], &h) != nil {
		return joseHeader{}, errHeader
	}
	return h, nil
}

func (s *signatureCheck) checkHMAC(input, encodedSig []byte) error {
	var sig, sum [sha256.Size]byte
	if !decodeSignature(sig[:], encodedSig) {
		return errBadSignature
	}
	mac := s.hmacs.Get().(hash.Hash)
	mac.Reset()
	mac.Write(input)
	ok := hmac.Equal(mac.Sum(sum[:0]), sig[:])
	s.hmacs.Put(mac)
	if !ok {
		return errBadSignature
	}
	return nil
}

func (s *signatureCheck) checkEd25519(kid string, keys jwk.Set, input, encodedSig []byte) error {
	if kid == "" {
		return errNoKid
	}
	pub, known := s.prepared(keys).byKid[kid]
	switch {
	case !known:
		return errUnknownKey
	case pub == nil:
		return errUnusableKey
	}
	var sig [ed25519.SignatureSize]byte
	if !decodeSignature(sig[:], encodedSig) || !ed25519.Verify(pub, input, sig[:]) {
		return errBadSignature
	}
	return nil
}

// decodeSignature decodes encoded into dst, which it must fill exactly.
func decodeSignature(dst, encoded []byte) bool {
	if base64.RawURLEncoding.DecodedLen(len(encoded)) != len(dst) {
		return false
	}
	n, err := base64.RawURLEncoding.Decode(dst, encoded)
	return err == nil && n == len(dst)
}

// prepared returns keys' Ed25519 keys by kid, preparing them when keys is
// not the set seen last (a rotation, or a fetch of the JWKS).
func (s *signatureCheck) prepared(keys jwk.Set) *preparedKeys {
	if p := s.edKeys.Load(); p != nil && p.set == keys {
		return p
	}
	p := &preparedKeys{set: keys, byKid: map[string]ed25519.PublicKey{}}
	for i := range keysLen(keys) {
		key, _ := keys.Key(i)
		kid := key.KeyID()
		if _, seen := p.byKid[kid]; seen || kid == "" {
			continue // jwx used the first key with a kid only
		}
		p.byKid[kid] = ed25519Of(key)
	}
	s.edKeys.Store(p)
	return p
}

// ed25519Of is key's Ed25519 public key, or nil when jwx would not have
// verified an EdDSA signature with it.
func ed25519Of(key jwk.Key) ed25519.PublicKey {
	if use := key.KeyUsage(); use != "" && use != jwk.ForSignature.String() {
		return nil
	}
	if key.Algorithm().String() != "EdDSA" {
		return nil
	}
	raw, err := jwk.PublicRawKeyOf(key)
	if err != nil {
		return nil
	}
	pub, _ := raw.(ed25519.PublicKey)
	return pub
}

// keysLen is keys.Len(), 0 for no set at all.
func keysLen(keys jwk.Set) int {
	if keys == nil {
		return 0
	}
	return keys.Len()
}
