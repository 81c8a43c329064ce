package clientip

import "net/netip"

// Prefix lengths the limit keys use. One IPv6 subscriber usually holds a
// whole /64 (SLAAC picks any address in it), so a per-address limit on
// /128 would be none at all; a /48 is a typical site allocation, as a /24
// is a typical small IPv4 block.
const (
	ipv6ClientBits = 64
	ipv6RangeBits  = 48
	ipv4RangeBits  = 24
)

// Key is what a per-client limit counts a under: the IPv4 address itself,
// or the IPv6 /64 it belongs to. An invalid address gives "unknown", so
// that clients the server cannot place share one (tight) count rather
// than escape the limit.
func Key(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	if a.Is4() {
		return a.String()
	}
	return prefix(a, ipv6ClientBits)
}

// RangeKey is what a per-range limit counts a under: its IPv4 /24 or its
// IPv6 /48.
func RangeKey(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	if a.Is4() {
		return prefix(a, ipv4RangeBits)
	}
	return prefix(a, ipv6RangeBits)
}

func prefix(a netip.Addr, bits int) string {
	p, _ := a.WithZone("").Prefix(bits) // cannot fail: bits fits a's family
	return p.String()
}
