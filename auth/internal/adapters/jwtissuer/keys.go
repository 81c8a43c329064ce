// Package jwtissuer signs access tokens with lestrrat-go/jwx: EdDSA
// (Ed25519) with a kid by default, HS256 with the seed's SECRET_KEY for
// compatibility. It also builds the JWKS the auth service publishes.
package jwtissuer

import (
	"crypto"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// LoadKey reads an Ed25519 private key (PKCS#8 PEM): an operator's own
// key (JWT_PRIVATE_KEY_FILE), or the key file an older release generated
// under DATA_DIR, which is imported into the shared key table once.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("signing key %s: no PEM block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s: not an Ed25519 key", path)
	}
	return ek, nil
}

// LoadLegacyKey is LoadKey for a file that may not exist: nil, nil then.
func LoadLegacyKey(path string) (ed25519.PrivateKey, error) {
	k, err := LoadKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return k, err
}

// WriteKey writes priv to path as PKCS#8 PEM (0600), for tests and for
// operators who make their own key.
func WriteKey(path string, priv ed25519.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return fmt.Errorf("encode signing key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write signing key: %w", err)
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
}

// LoadPublicKey reads an Ed25519 public key (PKIX PEM), or the public half
// of a private key PEM: the previous keys a rotation keeps publishing.
func LoadPublicKey(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read public key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("public key %s: no PEM block", path)
	}
	if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		if pk, ok := k.(ed25519.PublicKey); ok {
			return pk, nil
		}
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if sk, ok := k.(ed25519.PrivateKey); ok {
			return sk.Public().(ed25519.PublicKey), nil
		}
	}
	return nil, fmt.Errorf("public key %s: not an Ed25519 key", path)
}

// publicJWK is pub as a JWK with alg EdDSA, use sig and a kid: the RFC 7638
// thumbprint, so the same key always gets the same kid.
func publicJWK(pub ed25519.PublicKey) (jwk.Key, error) {
	k, err := jwk.FromRaw(pub)
	if err != nil {
		return nil, fmt.Errorf("jwk: %w", err)
	}
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("jwk thumbprint: %w", err)
	}
	for name, v := range map[string]any{
		jwk.KeyIDKey:     base64.RawURLEncoding.EncodeToString(tp),
		jwk.AlgorithmKey: jwa.EdDSA,
		jwk.KeyUsageKey:  "sig",
	} {
		if err := k.Set(name, v); err != nil {
			return nil, fmt.Errorf("jwk: %w", err)
		}
	}
	return k, nil
}
