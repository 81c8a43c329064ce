package jwtverify

import "testing"

func TestIssuerAudience(t *testing.T) {
	cases := []struct {
		alg, iss, aud    string
		wantIss, wantAud string
	}{
		{"EdDSA", "", "", DefaultIssuer, DefaultAudience},
		{"EdDSA", "my-auth", "", "my-auth", DefaultAudience},
		{"EdDSA", "", "my-api", DefaultIssuer, "my-api"},
		{"HS256", "", "", "", ""},
		{"HS256", "seed-iss", "seed-aud", "seed-iss", "seed-aud"},
	}
	for _, c := range cases {
		iss, aud := IssuerAudience(c.alg, c.iss, c.aud)
		if iss != c.wantIss || aud != c.wantAud {
			t.Errorf("IssuerAudience(%q, %q, %q) = %q, %q; want %q, %q",
				c.alg, c.iss, c.aud, iss, aud, c.wantIss, c.wantAud)
		}
	}
}
