// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"sync"

	"go4.org/netipx"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
)

var (
	allIPv4 = netip.PrefixFrom(netip.IPv4Unspecified(), 0)
	allIPv6 = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
)

// Policy is the compiled form of a shoot's rules: per family, the minimal sorted list of prefixes whose union is
// exactly the allowed set.
type Policy struct {
	// Type is the source address Envoy matches against the prefixes.
	Type acl.PrincipalType
	// Mode is how the filters apply the prefixes: only ModeAudit makes them count instead of block, so a policy whose
	// mode was never set is enforced.
	Mode acl.Mode
	// IPv4 are the allowed IPv4 prefixes, sorted, none containing or adjacent-mergeable with another.
	IPv4 []netip.Prefix
	// IPv6 are the allowed IPv6 prefixes, with the same guarantees.
	IPv6 []netip.Prefix

	// set answers Allows; only tests and diagnostics ask, so it is built on first use.
	set func() *netipx.IPSet
}

// Audited reports whether the filters only evaluate and count the policy (Envoy's shadow rules) instead of enforcing
// it.
func (p *Policy) Audited() bool {
	return p.Mode == acl.ModeAudit
}

// Entries are the parsed CIDRs of a rule set, grouped by action.
type Entries struct {
	// Allow are the prefixes of all ALLOW rules.
	Allow []netip.Prefix
	// Deny are the prefixes of all DENY rules.
	Deny []netip.Prefix
	// HasAllowRule is set when the rules contain an ALLOW rule, even one without CIDRs: then only Allow is allowed,
	// otherwise every address is.
	HasAllowRule bool
}

// Build computes the allowed set from parsed, masked prefixes. Rules without DENY entries whose prefixes arrive sorted
// by address, as the validator hands them over, are joined in one pass (unionOfSorted); everything else goes through
// netipx's set operations, which sort their input: prefixes that arrive sorted make that sort nearly linear.
func Build(principalType acl.PrincipalType, entries Entries) (*Policy, error) {
	if entries.HasAllowRule && len(entries.Deny) == 0 {
		if prefixes, ok := unionOfSorted(entries.Allow); ok {
			return newPolicy(principalType, prefixes), nil
		}
	}
	prefixes, err := allowedPrefixes(entries)
	if err != nil {
		return nil, err
	}
	return newPolicy(principalType, prefixes), nil
}

// newPolicy returns the policy that allows exactly the given sorted, disjoint, non-adjacent prefixes.
func newPolicy(principalType acl.PrincipalType, prefixes []netip.Prefix) *Policy {
	policy := &Policy{Type: principalType}
	policy.IPv4, policy.IPv6 = splitFamilies(prefixes)
	policy.set = sync.OnceValue(func() *netipx.IPSet {
		var builder netipx.IPSetBuilder
		for _, prefix := range prefixes {
			builder.AddPrefix(prefix)
		}
		set, _ := builder.IPSet() // #nosec G104 -- the builder only reports errors of invalid input, and every prefix is valid
		return set
	})
	return policy
}

// allowedPrefixes computes the allowed set with netipx: the ALLOW entries, or every address without an ALLOW rule,
// minus the DENY entries, as the minimal sorted list of prefixes.
func allowedPrefixes(entries Entries) ([]netip.Prefix, error) {
	var allowed, denied netipx.IPSetBuilder
	addCoalesced(&allowed, entries.Allow)
	addCoalesced(&denied, entries.Deny)
	if !entries.HasAllowRule {
		allowed.AddPrefix(allIPv4)
		allowed.AddPrefix(allIPv6)
	}

	deniedSet, err := denied.IPSet()
	if err != nil {
		return nil, fmt.Errorf("failed to build the denied set: %w", err)
	}
	allowed.RemoveSet(deniedSet)
	allowedSet, err := allowed.IPSet()
	if err != nil {
		return nil, fmt.Errorf("failed to build the allowed set: %w", err)
	}

	// IPSet.Prefixes allocates a slice per range; appending every range's prefixes to one slice does not.
	ranges := allowedSet.Ranges()
	prefixes := make([]netip.Prefix, 0, len(ranges))
	for _, r := range ranges {
		prefixes = r.AppendPrefixes(prefixes)
	}
	return prefixes, nil
}

// unionOfSorted returns the union of prefixes sorted by address (IPv4 first, containers before what they contain, as
// the validator hands them over) as the minimal sorted list of prefixes, in one pass and without netipx's set
// builder, which copies and sorts every range: for rules without DENY entries, the common case, that is the whole
// compilation. It reports false when the prefixes are not sorted; Build then lets netipx sort them.
func unionOfSorted(prefixes []netip.Prefix) ([]netip.Prefix, bool) {
	// The minimal decomposition of a union of prefixes never has more prefixes than the union's own prefixes.
	union := make([]netip.Prefix, 0, len(prefixes))
	var (
		from, to netip.Addr
		// single is the one prefix the current range consists of, invalid once it joined others.
		single netip.Prefix
	)
	flush := func() {
		if single.IsValid() {
			union = append(union, single)
		} else {
			union = netipx.IPRangeFrom(from, to).AppendPrefixes(union)
		}
	}
	for _, prefix := range prefixes {
		first, last := prefix.Addr(), netipx.PrefixLastIP(prefix)
		if from.IsValid() && joinable(from, to, first, last) {
			if first.Less(from) {
				return nil, false
			}
			if single.IsValid() && (!single.Contains(first) || last.Compare(to) > 0) {
				single = netip.Prefix{}
			}
			to = maxAddr(to, last)
			continue
		}
		if from.IsValid() {
			if first.Less(from) {
				return nil, false
			}
			flush()
		}
		from, to, single = first, last, prefix
	}
	if from.IsValid() {
		flush()
	}
	return union, true
}

// addCoalesced adds prefixes to a builder, joining runs of overlapping or adjacent prefixes into one range first. The
// builder keeps every added range until it normalises, so for large sorted rule sets this saves most of its memory
// and sorting work; the result is the same set whatever the order of the prefixes.
func addCoalesced(builder *netipx.IPSetBuilder, prefixes []netip.Prefix) {
	var from, to netip.Addr
	for _, prefix := range prefixes {
		first, last := prefix.Addr(), netipx.PrefixLastIP(prefix)
		if from.IsValid() && joinable(from, to, first, last) {
			from, to = minAddr(from, first), maxAddr(to, last)
			continue
		}
		if from.IsValid() {
			builder.AddRange(netipx.IPRangeFrom(from, to))
		}
		from, to = first, last
	}
	if from.IsValid() {
		builder.AddRange(netipx.IPRangeFrom(from, to))
	}
}

// joinable reports whether the ranges from-to and first-last are of the same family and overlap or are adjacent,
// i.e. whether their union is one range.
func joinable(from, to, first, last netip.Addr) bool {
	return from.Is4() == first.Is4() && !endsBefore(to, first) && !endsBefore(last, from)
}

// endsBefore reports whether a range ending at end leaves a gap before start.
func endsBefore(end, start netip.Addr) bool {
	next := end.Next()
	return next.IsValid() && next.Less(start)
}

func minAddr(a, b netip.Addr) netip.Addr {
	if a.Less(b) {
		return a
	}
	return b
}

func maxAddr(a, b netip.Addr) netip.Addr {
	if a.Less(b) {
		return b
	}
	return a
}

// splitFamilies splits a sorted prefix list, in which IPv4 sorts before IPv6, into its two families without copying.
// An empty family is nil.
func splitFamilies(prefixes []netip.Prefix) (ipv4, ipv6 []netip.Prefix) {
	split := len(prefixes)
	for i, prefix := range prefixes {
		if prefix.Addr().Is6() {
			split = i
			break
		}
	}
	if split > 0 {
		ipv4 = prefixes[:split:split]
	}
	if split < len(prefixes) {
		ipv6 = prefixes[split:]
	}
	return ipv4, ipv6
}

// Prefixes returns the allowed IPv4 prefixes followed by the allowed IPv6 prefixes.
func (p *Policy) Prefixes() []netip.Prefix {
	return append(append(make([]netip.Prefix, 0, len(p.IPv4)+len(p.IPv6)), p.IPv4...), p.IPv6...)
}

// Len returns the number of compiled prefixes of both families.
func (p *Policy) Len() int {
	return len(p.IPv4) + len(p.IPv6)
}

// Allows reports whether the policy admits the address. IPv4-mapped IPv6 addresses are IPv6 addresses here, exactly
// as in the prefix lists.
func (p *Policy) Allows(addr netip.Addr) bool {
	return p.set().Contains(addr)
}

// Hash returns a stable digest of the principal type and the compiled prefixes, so that status and metrics can tell
// whether two rule sets are effectively the same.
func (p *Policy) Hash() string {
	digest := sha256.New()
	digest.Write([]byte(p.Type))
	var buf []byte
	for _, prefix := range p.Prefixes() {
		buf = prefix.AppendTo(append(buf[:0], ' '))
		digest.Write(buf)
	}
	return hex.EncodeToString(digest.Sum(nil))
}
