// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"cmp"
	"encoding/binary"
	"net/netip"
)

// entry is a valid CIDR entry with the place it was written. It holds no pointers, unlike netip.Prefix, so that
// sorting ten thousand of them is cheap and the garbage collector never scans them.
type entry struct {
	hi, lo uint64
	bits   int16
	is6    bool
	// rule and index locate the entry; int32 keeps an entry at 32 bytes, and no providerConfig comes near 2^31
	// entries (the API server limits requests to a few MiB).
	rule, index int32
}

func newEntry(prefix netip.Prefix, rule, index int) entry {
	address := prefix.Addr().As16()
	return entry{
		hi:    binary.BigEndian.Uint64(address[:8]),
		lo:    binary.BigEndian.Uint64(address[8:]),
		bits:  int16(prefix.Bits()), // #nosec G115 -- a prefix length is at most 128
		is6:   prefix.Addr().Is6(),
		rule:  int32(rule),  // #nosec G115 -- see entry.rule
		index: int32(index), // #nosec G115 -- see entry.rule
	}
}

func (e entry) prefix() netip.Prefix {
	var address [16]byte
	binary.BigEndian.PutUint64(address[:8], e.hi)
	binary.BigEndian.PutUint64(address[8:], e.lo)
	addr := netip.AddrFrom16(address)
	if !e.is6 {
		addr = addr.Unmap()
	}
	return netip.PrefixFrom(addr, int(e.bits))
}

// contains reports whether every address of inner is in e, without building either prefix.
func (e entry) contains(inner entry) bool {
	if e.is6 != inner.is6 || e.bits > inner.bits {
		return false
	}
	bits := int(e.bits)
	if !e.is6 {
		// The addresses are kept in their 16-byte form, an IPv4 address in the last 4 bytes.
		bits += 96
	}
	hiMask, loMask := networkMask(bits)
	return inner.hi&hiMask == e.hi&hiMask && inner.lo&loMask == e.lo&loMask
}

// samePrefix reports whether both entries are the same prefix.
func (e entry) samePrefix(other entry) bool {
	return e.hi == other.hi && e.lo == other.lo && e.bits == other.bits && e.is6 == other.is6
}

// networkMask returns the two halves of a 128-bit mask with the first bits set.
func networkMask(bits int) (hi, lo uint64) {
	switch {
	case bits <= 0:
		return 0, 0
	case bits < 64:
		return ^uint64(0) << (64 - bits), 0
	case bits < 128:
		return ^uint64(0), ^uint64(0) << (128 - bits)
	default:
		return ^uint64(0), ^uint64(0)
	}
}

// compareEntries orders IPv4 before IPv6, then by address, then shorter prefixes first, so that every prefix comes
// right after the prefixes that contain it; equal prefixes keep the order they were written in.
func compareEntries(a, b entry) int {
	switch {
	case a.is6 != b.is6:
		if a.is6 {
			return 1
		}
		return -1
	case a.hi != b.hi:
		return compare(a.hi, b.hi)
	case a.lo != b.lo:
		return compare(a.lo, b.lo)
	case a.bits != b.bits:
		return int(a.bits) - int(b.bits)
	case a.rule != b.rule:
		return cmp.Compare(a.rule, b.rule)
	default:
		return cmp.Compare(a.index, b.index)
	}
}

func compare(a, b uint64) int {
	if a < b {
		return -1
	}
	return 1
}
