package jwtverify

import "cmp"

// IssuerAudience is the iss and aud both services use for algorithm alg,
// given what the operator set. Outside HS256 an unset value becomes the
// default. In HS256 (seed) mode both stay as set, usually empty: seed tokens
// carry neither, and the seed's pdf service (python-jose) rejects an aud it
// was not told to expect.
func IssuerAudience(alg, iss, aud string) (string, string) {
	if alg == "HS256" {
		return iss, aud
	}
	return cmp.Or(iss, DefaultIssuer), cmp.Or(aud, DefaultAudience)
}
