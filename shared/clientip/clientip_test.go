package clientip

import (
	"net/http"
	"net/netip"
	"testing"
)

func mustPrefixes(t *testing.T, list ...string) []netip.Prefix {
	t.Helper()
	p, err := ParsePrefixes(list)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAddr(t *testing.T) {
	t.Parallel()
	trusted := mustPrefixes(t, "10.0.0.0/16", "fd00::/8", "192.0.2.9")
	xff, fwd := Resolver{Trusted: trusted}, Resolver{Trusted: trusted, Header: Forwarded}
	cases := []struct {
		name   string
		res    Resolver
		peer   string
		header []string
		want   string
	}{
		{"no proxy trusted: header ignored", Resolver{}, "10.0.0.5:1234", []string{"203.0.113.7"}, "10.0.0.5"},
		{"untrusted peer: header ignored", xff, "198.51.100.1:80", []string{"203.0.113.7"}, "198.51.100.1"},
		{"trusted peer, one hop", xff, "10.0.0.5:80", []string{"203.0.113.7"}, "203.0.113.7"},
		{"client-written entries left of ours are ignored", xff, "10.0.0.5:80", []string{"1.1.1.1, 203.0.113.7"}, "203.0.113.7"},
		{"trusted hops skipped", xff, "10.0.0.5:80", []string{"1.1.1.1, 203.0.113.7, 10.0.3.3, 192.0.2.9"}, "203.0.113.7"},
		{"several field lines read in order", xff, "10.0.0.5:80", []string{"1.1.1.1", "203.0.113.7, 10.0.3.3"}, "203.0.113.7"},
		{"trusted peer, no header", xff, "10.0.0.5:80", nil, "10.0.0.5"},
		{"all hops trusted", xff, "10.0.0.5:80", []string{"10.0.9.9"}, "10.0.9.9"},
		{"port on an entry", xff, "10.0.0.5:80", []string{"203.0.113.7:5555"}, "203.0.113.7"},
		{"IPv6 entry", xff, "[fd00::1]:80", []string{"2001:db8::7"}, "2001:db8::7"},
		{"bracketed IPv6 entry with port", xff, "[fd00::1]:80", []string{"[2001:db8::7]:99"}, "2001:db8::7"},
		{"IPv4-mapped IPv6 peer is IPv4", xff, "[::ffff:10.0.0.5]:80", []string{"203.0.113.7"}, "203.0.113.7"},
		{"garbage right of the client stops the walk", xff, "10.0.0.5:80", []string{"203.0.113.7, nonsense"}, "10.0.0.5"},
		{"garbage left of the client is never read", xff, "10.0.0.5:80", []string{"nonsense, 203.0.113.7"}, "203.0.113.7"},
		{"garbage right of a trusted hop", xff, "10.0.0.5:80", []string{"203.0.113.7, 10.0.1.1, x"}, "10.0.0.5"},
		{"garbage left of a trusted hop: the peer, not that hop", xff, "10.0.0.5:80", []string{"203.0.113.7, x, 10.0.1.1"}, "10.0.0.5"},
		{"empty entry", xff, "10.0.0.5:80", []string{"203.0.113.7, "}, "10.0.0.5"},
		{"zone refused", xff, "10.0.0.5:80", []string{"fe80::1%eth0"}, "10.0.0.5"},
		{"Forwarded", fwd, "10.0.0.5:80", []string{`for=1.1.1.1, for=203.0.113.7;proto=https`}, "203.0.113.7"},
		{"Forwarded quoted IPv6 with port", fwd, "10.0.0.5:80", []string{`For="[2001:db8:cafe::17]:4711"`}, "2001:db8:cafe::17"},
		{"Forwarded skips trusted", fwd, "10.0.0.5:80", []string{`for=203.0.113.7, for=10.0.4.4;by=10.0.0.5`}, "203.0.113.7"},
		{"Forwarded unknown node", fwd, "10.0.0.5:80", []string{`for=203.0.113.7, for=unknown`}, "10.0.0.5"},
		{"Forwarded obfuscated node", fwd, "10.0.0.5:80", []string{`for=_hidden`}, "10.0.0.5"},
		{"Forwarded without for", fwd, "10.0.0.5:80", []string{`proto=https`}, "10.0.0.5"},
		{"Forwarded mode ignores X-Forwarded-For", fwd, "10.0.0.5:80", nil, "10.0.0.5"},
		{"peer without port", xff, "198.51.100.1", nil, "198.51.100.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: c.peer, Header: http.Header{}}
			name := "X-Forwarded-For"
			if c.res.Header == Forwarded {
				name = "Forwarded"
			}
			for _, v := range c.header {
				r.Header.Add(name, v)
			}
			if c.name == "Forwarded mode ignores X-Forwarded-For" {
				r.Header.Set("X-Forwarded-For", "203.0.113.7")
			}
			if got := c.res.Addr(r).String(); got != c.want {
				t.Errorf("Addr = %s, want %s", got, c.want)
			}
		})
	}
}

func TestAddrOfUnreadablePeerIsInvalid(t *testing.T) {
	t.Parallel()
	r := &http.Request{RemoteAddr: "@", Header: http.Header{"X-Forwarded-For": {"203.0.113.7"}}}
	res := Resolver{Trusted: mustPrefixes(t, "0.0.0.0/0")}
	if a := res.Addr(r); a.IsValid() {
		t.Fatalf("Addr = %s, want invalid", a)
	}
	if k := Key(res.Addr(r)); k != "unknown" {
		t.Fatalf("Key = %q", k)
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	cases := []struct{ addr, key, rng string }{
		{"203.0.113.7", "203.0.113.7", "203.0.113.0/24"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64", "2001:db8:1::/48"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64", "2001:db8:1::/48"},
	}
	for _, c := range cases {
		a := netip.MustParseAddr(c.addr)
		if got := Key(a); got != c.key {
			t.Errorf("Key(%s) = %s, want %s", c.addr, got, c.key)
		}
		if got := RangeKey(a); got != c.rng {
			t.Errorf("RangeKey(%s) = %s, want %s", c.addr, got, c.rng)
		}
	}
}

func TestParsePrefixes(t *testing.T) {
	t.Parallel()
	got, err := ParsePrefixes([]string{" 10.1.2.3/16", "", "192.0.2.1", "::ffff:10.0.0.0/104", "2001:db8::/32"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.1.0.0/16", "192.0.2.1/32", "10.0.0.0/8", "2001:db8::/32"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("prefix %d = %s, want %s", i, got[i], want[i])
		}
	}
	if _, err := ParsePrefixes([]string{"10.0.0.0/33", "proxy"}); err == nil {
		t.Fatal("bad CIDRs accepted")
	}
}

func TestParseHeader(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Header{"x-forwarded-for": XForwardedFor, "FORWARDED": Forwarded} {
		if got, err := ParseHeader(in); err != nil || got != want {
			t.Errorf("ParseHeader(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseHeader("X-Real-IP"); err == nil {
		t.Error("X-Real-IP accepted")
	}
}
