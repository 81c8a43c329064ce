package tokenattack

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Requests is the matrix as HTTP requests: every token case sent as
// "Bearer <token>", then the ways of sending (or not sending) a token.
func Requests(t testing.TB, tg Target) []Case {
	t.Helper()
	var cs []Case
	var good string
	for _, c := range Tokens(t, tg) {
		if c.Name == "good token" {
			good = c.Token
		}
		if len(c.Token) > 64<<10 || strings.ContainsFunc(c.Token, isCTL) {
			// Longer than a server takes a header (see the 60 KB case
			// below), or what HTTP cannot carry in one.
			continue
		}
		if c.Token == "" {
			c.Error, c.Why = "", "no token given"
		}
		c.Authorization = []string{"Bearer " + c.Token}
		cs = append(cs, c)
	}
	bad := swapPayload(t, good, tg.claims(t, set("email", "mallory@example.com")))
	noToken := func(name string, auth []string, query, why string) Case {
		return Case{Name: name, Authorization: auth, Query: query, Why: why}
	}
	parts := strings.Split(good, ".")
	return append(cs,
		noToken("no Authorization header", nil, "", ""),
		noToken("empty Authorization header", []string{""}, "", ""),
		noToken("Bearer with no token", []string{"Bearer"}, "", ""),
		noToken("Bearer and blanks", []string{"Bearer    "}, "", ""),
		noToken("Basic scheme", []string{"Basic dXNlcjpwYXNz"}, "", ""),
		noToken("token without a scheme", []string{good}, "", ""),
		noToken("tab after the scheme", []string{"Bearer\t" + good}, "",
			"RFC 7235 §2.1: the scheme is followed by SP; a tab does not separate it"),
		noToken("token in the query string only", nil, "access_token="+url.QueryEscape(good),
			"RFC 6750 §2.3 is not supported: URIs end up in logs"),
		Case{Name: "lowercase bearer, good token", Authorization: []string{"bearer " + good}, Accept: true,
			Why: "RFC 7235 §2.1 and RFC 6750 §2.1: the auth scheme is case-insensitive"},
		Case{Name: "uppercase BEARER, good token", Authorization: []string{"BEARER " + good}, Accept: true,
			Why: "the auth scheme is case-insensitive"},
		Case{Name: "blanks around the token", Authorization: []string{"Bearer   " + good + "  "}, Accept: true,
			Why: "RFC 7235: 1*SP after the scheme; surrounding whitespace is not part of the value"},
		Case{Name: "lowercase bearer, bad token", Authorization: []string{"bearer " + bad}, Error: "invalid_token"},
		Case{Name: "token and a second word", Authorization: []string{"Bearer " + good + " extra"}, Error: "invalid_token"},
		Case{Name: "two tokens in one header", Authorization: []string{"Bearer " + good + ", Bearer " + good}, Error: "invalid_token"},
		Case{Name: "bad token in the query string, good header", Authorization: []string{"Bearer " + good},
			Query: "access_token=" + url.QueryEscape(bad), Accept: true, Why: "the query string is ignored"},
		Case{Name: "duplicate Authorization headers, both good", Authorization: []string{"Bearer " + good, "Bearer " + good},
			Error: "invalid_request", Why: "RFC 9110 §5.3: Authorization is not a list; two of them is a malformed request"},
		Case{Name: "duplicate Authorization headers, bad then good", Authorization: []string{"Bearer " + bad, "Bearer " + good},
			Error: "invalid_request", Why: "no header wins: proxies and servers disagree on which one counts"},
		Case{Name: "duplicate Authorization headers, good then bad", Authorization: []string{"Bearer " + good, "Bearer " + bad},
			Error: "invalid_request", Why: "no header wins: proxies and servers disagree on which one counts"},
		Case{Name: "a 60 KB token", Authorization: []string{"Bearer " + parts[0] + "." + strings.Repeat("A", 60<<10) + "." + parts[2]},
			Error: "invalid_token", Why: "under the server's header limit; refused by length before decoding"},
	)
}

// isCTL reports an ASCII control character other than tab: HTTP clients
// refuse to send those in a header.
func isCTL(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// flipBit flips one bit in the middle of the signature.
func flipBit(t testing.TB, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	sig, err := decode(parts[2])
	must(t, err)
	sig[len(sig)/2] ^= 0x01
	parts[2] = b64(sig)
	return strings.Join(parts, ".")
}

// swapPayload keeps the header and signature of token and puts other's
// claims in between.
func swapPayload(t testing.TB, token string, other any) string {
	t.Helper()
	p, err := json.Marshal(other)
	must(t, err)
	parts := strings.Split(token, ".")
	return parts[0] + "." + b64(p) + "." + parts[2]
}

// swapHeader keeps the payload and signature of token under a new header.
func swapHeader(t testing.TB, token string, header map[string]any) string {
	t.Helper()
	h, err := json.Marshal(header)
	must(t, err)
	parts := strings.Split(token, ".")
	return b64(h) + "." + parts[1] + "." + parts[2]
}

// Challenge checks a refusal's WWW-Authenticate header against c: a Bearer
// challenge naming c.Error (or no error when no token was given).
func Challenge(h http.Header, c Case) (string, bool) {
	got := h.Get("WWW-Authenticate")
	if !strings.HasPrefix(got, "Bearer ") {
		return got, false
	}
	if c.Error == "" {
		return got, !strings.Contains(got, "error=")
	}
	return got, strings.Contains(got, `error="`+c.Error+`"`)
}
