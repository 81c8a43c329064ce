package app

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// A refresh token is "rt_" and 32 random bytes in base64url: 256 bits that
// only the client holds. The database keeps its SHA-256.
const (
	refreshPrefix   = "rt_"
	refreshRandom   = 32
	refreshTokenLen = len(refreshPrefix) + (refreshRandom*8+5)/6
)

func newRefreshToken() string {
	var b [refreshRandom]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return refreshPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// refreshHash is the stored form of a refresh token; ok is false for a
// string that cannot be one (wrong length, prefix or alphabet), which is
// refused without a database round trip.
func refreshHash(token string) (hash []byte, ok bool) {
	if len(token) != refreshTokenLen || token[:len(refreshPrefix)] != refreshPrefix {
		return nil, false
	}
	if _, err := base64.RawURLEncoding.DecodeString(token[len(refreshPrefix):]); err != nil {
		return nil, false
	}
	sum := sha256.Sum256([]byte(token))
	return sum[:], true
}

// The successor of a spent token is kept sealed with a key derived from the
// spent token, which the database does not have: only a client presenting
// the spent token can have its successor back (two tabs refreshing at once).

func successorAEAD(parent string) cipher.AEAD {
	key := sha256.Sum256([]byte("prana refresh successor v1\x00" + parent))
	block, _ := aes.NewCipher(key[:]) // a 32-byte key never fails
	aead, _ := cipher.NewGCM(block)
	return aead
}

func sealSuccessor(parent string, parentHash []byte, successor string) []byte {
	aead := successorAEAD(parent)
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(successor)+aead.Overhead())
	_, _ = rand.Read(nonce)
	return aead.Seal(nonce, nonce, []byte(successor), parentHash)
}

var errSuccessor = errors.New("successor does not open")

func openSuccessor(parent string, parentHash, sealed []byte) (string, error) {
	aead := successorAEAD(parent)
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return "", errSuccessor
	}
	n := aead.NonceSize()
	out, err := aead.Open(nil, sealed[:n], sealed[n:], parentHash)
	if err != nil {
		return "", errSuccessor
	}
	return string(out), nil
}
