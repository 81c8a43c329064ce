package keyseal

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	s, err := New([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("0123456789abcdef0123456789abcdef")
	sealed, err := s.Seal("kid-1", plain)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, plain) {
		t.Fatal("sealed data contains the plaintext")
	}
	got, err := s.Open("kid-1", sealed)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	again, _ := s.Seal("kid-1", plain)
	if bytes.Equal(again, sealed) {
		t.Fatal("two seals of one key are identical: the nonce is not random")
	}
}

func TestOpenRefusesWrongKeyKidOrTampering(t *testing.T) {
	s, _ := New([]byte(strings.Repeat("k", 32)))
	other, _ := New([]byte(strings.Repeat("x", 32)))
	sealed, _ := s.Seal("kid-1", []byte("secret seed"))
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	for name, open := range map[string]func() ([]byte, error){
		"wrong key": func() ([]byte, error) { return other.Open("kid-1", sealed) },
		"wrong kid": func() ([]byte, error) { return s.Open("kid-2", sealed) },
		"tampered":  func() ([]byte, error) { return s.Open("kid-1", tampered) },
		"truncated": func() ([]byte, error) { return s.Open("kid-1", sealed[:5]) },
	} {
		if _, err := open(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: err = %v, want ErrOpen", name, err)
		}
	}
}

func TestNewRefusesShortSecret(t *testing.T) {
	if _, err := New([]byte("too short")); err == nil {
		t.Fatal("a 9-byte secret was accepted")
	}
}
