// Package hs256secret checks the SECRET_KEY that signs (auth) and verifies
// (pdf) tokens when ALGORITHM=HS256. Anyone who knows that secret can mint
// a token for any user, so a short one or one printed in a README or an
// .env example is refused at start, by both services alike.
package hs256secret

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
)

// MinLength is the shortest secret accepted, in bytes: 256 bits, the size
// of the HMAC-SHA256 key. Random base64 of 48 bytes (64 characters) is well
// above it.
const MinLength = 32

// HowToMake is the command the error messages suggest.
const HowToMake = "openssl rand -base64 48"

// examples are the secrets shipped as examples, by this repository
// (.env.example) and by the seed it replaces (its README and .env example),
// which deployments copied as they were. A test walks the repository's
// .env examples, compose files and READMEs so that a new one cannot be
// published without being listed here.
var examples = []string{
	"example_secret_key_hex_string",
}

// Check returns nil when secret may sign tokens, or an error that names
// the variable, says what is wrong, and how to make a good secret.
func Check(variable string, secret []byte) error {
	if isExample(secret) {
		return fmt.Errorf("%s: ALGORITHM=HS256 with an example secret published in Prana's or the seed's documentation: "+
			"anyone can sign tokens with it; make a secret of your own with `%s`", variable, HowToMake)
	}
	if len(secret) < MinLength {
		return fmt.Errorf("%s: ALGORITHM=HS256 needs a secret of at least %d bytes (it has %d); make one with `%s`",
			variable, MinLength, len(secret), HowToMake)
	}
	return nil
}

// isExample compares digests, so that the time taken does not depend on
// how much of the secret matches an example.
func isExample(secret []byte) bool {
	got := sha256.Sum256(secret)
	found := 0
	for _, e := range examples {
		want := sha256.Sum256([]byte(e))
		found |= subtle.ConstantTimeCompare(got[:], want[:])
	}
	return found == 1
}
