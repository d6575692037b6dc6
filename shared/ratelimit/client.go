package ratelimit

import "net/netip"

// IPv6PrefixBits is how much of an IPv6 address names one client: a /64 is what a
// single subscriber line or host is given, and any address in it is one more for
// free (privacy extensions rotate through it), so counting full addresses would
// let one client pass every per-client limit by changing its address.
const IPv6PrefixBits = 64

// ClientKey returns what a client counts under: an IPv4 address as it is (also
// one mapped into IPv6), an IPv6 address's /64 network; anything that is no
// address as given.
func ClientKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return addr.String()
	}
	p, err := addr.Prefix(IPv6PrefixBits)
	if err != nil {
		return ip
	}
	return p.String()
}
