// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// cidrExample is appended to messages about entries that cannot be read as a CIDR at all.
const cidrExample = "write an address and a prefix length such as 10.250.0.0/16 or 2001:db8::/32"

// cidrFinding says why an entry is not accepted as written and what to write instead.
type cidrFinding struct {
	// detail is the message shown to the person; it always names the replacement when there is a single one.
	detail string
	// ratchetable is set when the entry denotes exactly one prefix but is not spelled canonically (host bits set,
	// upper-case or zero-padded IPv6). Such entries stay accepted, with a warning, on updates of shoots that already
	// had them, so those shoots remain updatable.
	ratchetable bool
	// enforced is the prefix Envoy matched for the entry when the existing ACL extension
	// (stackitcloud/gardener-extension-acl) passed it on unchanged, for entries that are neither canonical nor
	// ratchetable but that the existing extension accepted; invalid when Envoy never received such an entry.
	enforced netip.Prefix
}

// parseCIDR parses a rule entry. It returns the masked prefix whenever the entry denotes one unambiguously, and a
// finding when the entry is not a canonical CIDR. It never allocates for canonical entries.
func parseCIDR(entry string) (netip.Prefix, *cidrFinding) {
	if entry == "" {
		return netip.Prefix{}, &cidrFinding{detail: "must not be empty: " + cidrExample}
	}
	if trimmed := strings.TrimSpace(entry); trimmed != entry {
		return netip.Prefix{}, &cidrFinding{detail: "must not have surrounding whitespace: write " + suggestion(trimmed)}
	}

	prefix, err := netip.ParsePrefix(entry)
	if err != nil {
		return netip.Prefix{}, diagnoseUnparsable(entry)
	}
	if prefix.Addr().Is4In6() {
		return netip.Prefix{}, &cidrFinding{
			detail:   "must not be an IPv4-mapped IPv6 prefix, which never matches a client address: " + unmappedSuggestion(prefix),
			enforced: envoyMapped(prefix),
		}
	}

	masked := prefix.Masked()
	if masked != prefix {
		return masked, &cidrFinding{
			ratchetable: true,
			detail: fmt.Sprintf("has host bits set: write %s for the whole network, or %s for the single address",
				masked, netip.PrefixFrom(prefix.Addr(), prefix.Addr().BitLen())),
		}
	}

	if masked.Addr().Is4() {
		// netip refuses leading zeros in IPv4 addresses and prefix lengths, so a parsed, masked IPv4 prefix has
		// exactly one spelling.
		return masked, nil
	}
	var buf [64]byte
	if canonical := masked.AppendTo(buf[:0]); string(canonical) != entry {
		return masked, &cidrFinding{ratchetable: true, detail: "is not in canonical form: write " + string(canonical)}
	}
	return masked, nil
}

// diagnoseUnparsable explains an entry that netip cannot parse as a prefix, suggesting the entry the person most
// likely meant wherever one is certain.
func diagnoseUnparsable(entry string) *cidrFinding {
	addrPart, bitsPart, hasBits := strings.Cut(entry, "/")

	addr, addrErr := netip.ParseAddr(addrPart)
	if addrErr != nil {
		if stripped, ok := stripIPv4LeadingZeros(addrPart); ok {
			return &cidrFinding{detail: fmt.Sprintf("must not have leading zeros, which some tools read as octal: write %s if you mean decimal", joinCIDR(stripped, bitsPart, hasBits))}
		}
		return &cidrFinding{detail: "is not a valid IPv4 or IPv6 CIDR: " + cidrExample}
	}

	if addr.Zone() != "" {
		return &cidrFinding{detail: "must not have an IPv6 zone (%" + addr.Zone() + "): write " + joinCIDR(addr.WithZone("").String(), bitsPart, hasBits)}
	}
	if !hasBits {
		return &cidrFinding{detail: fmt.Sprintf("misses the prefix length: write %s/%d for this single address", addr, addr.BitLen())}
	}

	bits, err := strconv.Atoi(bitsPart)
	switch {
	case err != nil || bitsPart[0] == '+' || bitsPart[0] == '-':
		return &cidrFinding{detail: fmt.Sprintf("has a prefix length %q that is not a number: %s", bitsPart, cidrExample)}
	case bits > addr.BitLen():
		return &cidrFinding{detail: fmt.Sprintf("has prefix length /%d, out of range for %s: use /0 to /%d", bits, family(addr), addr.BitLen())}
	case len(bitsPart) > 1 && bitsPart[0] == '0':
		// net.ParseCIDR, which the existing ACL extension used, reads such a length as decimal.
		enforced := netip.PrefixFrom(addr, bits)
		if addr.Is4In6() {
			enforced = envoyMapped(enforced)
		}
		return &cidrFinding{detail: "must not have leading zeros in the prefix length: write " + suggestion(fmt.Sprintf("%s/%d", addr, bits)), enforced: enforced.Masked()}
	}
	return &cidrFinding{detail: "is not a valid IPv4 or IPv6 CIDR: " + cidrExample}
}

// suggestion returns the canonical spelling of a CIDR the person nearly wrote, or the text itself when that is not a
// valid CIDR either.
func suggestion(text string) string {
	prefix, err := netip.ParsePrefix(text)
	if err != nil {
		return strconv.Quote(text)
	}
	return prefix.Masked().String()
}

func unmappedSuggestion(prefix netip.Prefix) string {
	if prefix.Bits() < 96 {
		return "write the IPv4 range as an IPv4 CIDR"
	}
	return "write " + netip.PrefixFrom(prefix.Addr().Unmap(), prefix.Bits()-96).Masked().String()
}

// envoyMapped returns the prefix Envoy matched for an IPv4-mapped IPv6 entry of the existing ACL extension. That
// extension parsed entries with net.ParseCIDR and passed the written address (net.IP.String, which prints an
// IPv4-mapped address in dotted IPv4 form) and the IPv6 mask length to Envoy as address_prefix and prefix_len
// (stackitcloud/gardener-extension-acl@a7549970a3f82ad1fb308aeac5a7d2e8d556cb0d, pkg/envoyfilters/envoyfilters.go,
// getPrefixAndPrefixLength); Envoy truncates an IPv4 CidrRange to at most 32 bits and masks the address
// (envoyproxy/envoy, source/common/network/cidr_range.cc, truncateIpAddressAndLength: 1.2.3.5/33 becomes 1.2.3.5/32).
// So ::ffff:10.0.0.0/104 admitted or denied only 10.0.0.0/32.
func envoyMapped(prefix netip.Prefix) netip.Prefix {
	return netip.PrefixFrom(prefix.Addr().Unmap(), min(prefix.Bits(), 32)).Masked()
}

func family(addr netip.Addr) string {
	if addr.Is4() {
		return "IPv4"
	}
	return "IPv6"
}

func joinCIDR(addr, bits string, hasBits bool) string {
	if !hasBits {
		return addr
	}
	return suggestion(addr + "/" + bits)
}

// stripIPv4LeadingZeros returns a dotted-quad IPv4 address without leading zeros in its octets, if that is what the
// text is.
func stripIPv4LeadingZeros(text string) (string, bool) {
	octets := strings.Split(text, ".")
	if len(octets) != 4 {
		return "", false
	}
	for i, octet := range octets {
		value, err := strconv.ParseUint(octet, 10, 8)
		if err != nil || octet == "" {
			return "", false
		}
		octets[i] = strconv.FormatUint(value, 10)
	}
	stripped := strings.Join(octets, ".")
	if _, err := netip.ParseAddr(stripped); err != nil {
		return "", false
	}
	return stripped, true
}
