package clientip

import (
	"net/http"
	"testing"
)

// FuzzAddr: whatever a client writes, resolving never panics, and the
// address is either the peer or one the header named, never something
// from outside both.
func FuzzAddr(f *testing.F) {
	for _, s := range []string{"203.0.113.7", "1.1.1.1, 10.0.0.9", `for="[2001:db8::1]:80";proto=https, for=unknown`, ",,", "[", `for="`} {
		f.Add("10.0.0.5:80", s, false)
		f.Add("[fd00::1]:443", s, true)
	}
	trusted, _ := ParsePrefixes([]string{"10.0.0.0/8", "fd00::/8"})
	f.Fuzz(func(t *testing.T, peer, header string, forwarded bool) {
		res := Resolver{Trusted: trusted}
		name := "X-Forwarded-For"
		if forwarded {
			res.Header, name = Forwarded, "Forwarded"
		}
		r := &http.Request{RemoteAddr: peer, Header: http.Header{name: {header}}}
		a := res.Addr(r)
		if a.Zone() != "" || a.Is4In6() {
			t.Fatalf("Addr = %s: zoned or mapped", a)
		}
		if a != peerAddr(peer) {
			found := false
			for _, h := range res.hops(r.Header) {
				found = found || h == a
			}
			if !found {
				t.Fatalf("Addr = %s is neither the peer nor in the header", a)
			}
		}
		_, _ = Key(a), RangeKey(a)
	})
}
