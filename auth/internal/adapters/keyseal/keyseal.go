// Package keyseal seals the signing keys' private halves at rest with
// AES-256-GCM, so that a dump of the database alone cannot mint tokens. The
// sealing key comes from outside the database (JWT_KEY_SEAL_KEY or a file).
package keyseal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// MinSecretBytes is the shortest seal secret accepted: 256 bits of a random
// string is what a secret store generates.
const MinSecretBytes = 32

// info separates this use of the secret from any other.
const info = "prana auth signing-key seal v1"

// AESGCM seals and opens private keys.
type AESGCM struct {
	aead cipher.AEAD
}

// New derives the AES-256 key from secret with HKDF-SHA256.
func New(secret []byte) (*AESGCM, error) {
	if len(secret) < MinSecretBytes {
		return nil, fmt.Errorf("seal key: must be at least %d bytes (e.g. `openssl rand -base64 32`)", MinSecretBytes)
	}
	key, err := hkdf.Key(sha256.New, secret, nil, info, 32)
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	return &AESGCM{aead: aead}, nil
}

// Seal encrypts plaintext, bound to kid: nonce || ciphertext || tag.
func (s *AESGCM) Seal(kid string, plaintext []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return s.aead.Seal(nonce, nonce, plaintext, []byte(kid)), nil
}

// ErrOpen means the data was sealed with another key, for another kid, or
// was altered.
var ErrOpen = errors.New("sealed key does not open")

// Open decrypts what Seal made for kid.
func (s *AESGCM) Open(kid string, sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, ErrOpen
	}
	out, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(kid))
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}
