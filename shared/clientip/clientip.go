// Package clientip finds the address of the client behind a request, and the
// keys that rate limits count it under.
//
// The peer address is the only one a client cannot forge. Behind a load
// balancer or an ingress every client shares the proxy's few addresses, so a
// limit keyed on them locks everyone out at once. A proxy we trust appends
// the address it saw to X-Forwarded-For (or Forwarded); reading that header
// from the right and skipping our own proxies yields the first address that
// no trusted party vouches for, which is the client's. Anything to its left
// the client wrote itself.
package clientip

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Header names the header trusted proxies append the client address to.
type Header string

// The headers a Resolver can read.
const (
	XForwardedFor Header = "X-Forwarded-For"
	Forwarded     Header = "Forwarded" // RFC 7239
)

// ParseHeader accepts a Header's name in any letter case.
func ParseHeader(s string) (Header, error) {
	switch {
	case strings.EqualFold(s, string(XForwardedFor)):
		return XForwardedFor, nil
	case strings.EqualFold(s, string(Forwarded)):
		return Forwarded, nil
	}
	return "", fmt.Errorf("%q is not %s or %s", s, XForwardedFor, Forwarded)
}

// ParsePrefixes reads CIDRs such as "10.0.0.0/16" or "fd00::/8"; a bare
// address stands for itself alone.
func ParsePrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	var errs []error
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := parsePrefix(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/16", s))
			continue
		}
		out = append(out, p)
	}
	return out, errors.Join(errs...)
}

func parsePrefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Addr().Is4In6() {
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96), nil
	}
	return p.Masked(), nil
}

// Resolver finds a request's client address. The zero Resolver trusts no
// proxy: the peer address counts.
type Resolver struct {
	Trusted []netip.Prefix
	Header  Header // XForwardedFor when empty
}

// Addr is the client address of r: the peer's, unless the peer is a trusted
// proxy, in which case it is the rightmost address in the header that is
// not itself a trusted proxy. A malformed entry met on the way (our proxies
// write none) makes the peer count: what lies left of it cannot be told
// from what the client wrote, and the peer's one shared key fails closed.
func (res Resolver) Addr(r *http.Request) netip.Addr {
	peer := peerAddr(r.RemoteAddr)
	if !peer.IsValid() || !res.trusts(peer) {
		return peer
	}
	hops := res.hops(r.Header)
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a := hops[i]
		if !a.IsValid() {
			return peer
		}
		client = a
		if !res.trusts(a) {
			break
		}
	}
	return client
}

// trusts reports whether a is one of our proxies.
func (res Resolver) trusts(a netip.Addr) bool {
	for _, p := range res.Trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// hops lists the header's addresses left to right (the nearest proxy's
// entry last), every field line in order; an unreadable entry is the zero
// Addr.
func (res Resolver) hops(h http.Header) []netip.Addr {
	name := res.Header
	if name == "" {
		name = XForwardedFor
	}
	var hops []netip.Addr
	for _, line := range h.Values(string(name)) {
		for elem := range strings.SplitSeq(line, ",") {
			if name == Forwarded {
				hops = append(hops, forwardedFor(elem))
			} else {
				hops = append(hops, hostAddr(strings.TrimSpace(elem)))
			}
		}
	}
	return hops
}

// forwardedFor reads the for= parameter of one Forwarded element, such as
// `for=192.0.2.60;proto=http` or `For="[2001:db8::1]:4711"`. An element
// without one, or with an obfuscated or "unknown" node, gives the zero Addr.
func forwardedFor(elem string) netip.Addr {
	for pair := range strings.SplitSeq(elem, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "for") {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		return hostAddr(v)
	}
	return netip.Addr{}
}

// hostAddr reads "192.0.2.1", "192.0.2.1:80", "2001:db8::1",
// "[2001:db8::1]" or "[2001:db8::1]:80". Zones are refused: a client
// address never has one.
func hostAddr(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return usable(ap.Addr())
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return usable(a)
}

func usable(a netip.Addr) netip.Addr {
	if a.Zone() != "" {
		return netip.Addr{}
	}
	return a.Unmap()
}

// peerAddr reads http.Request.RemoteAddr ("host:port" as the server sets
// it; a bare address from tests or other servers).
func peerAddr(remote string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	if a, err := netip.ParseAddr(remote); err == nil {
		return a.Unmap().WithZone("")
	}
	return netip.Addr{}
}
