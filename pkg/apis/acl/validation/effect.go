// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"fmt"
	"net/netip"
	"sort"

	"go4.org/netipx"
)

// warnIneffective warns about entries that change nothing because of entries of the other action: an ALLOW entry
// whose every address is denied admits nothing, and a DENY entry that no ALLOW entry overlaps removes nothing
// (without an ALLOW rule every address is allowed, so every DENY entry removes something). It reads the outermost
// entries of each action as warnRedundant returns them; entries inside another entry of the same action are already
// reported as redundant. The warnings follow the order the entries were written in.
func (v *configValidator) warnIneffective(allow, deny []entry) {
	var findings []entryFinding

	if len(deny) == 0 {
		// Nothing is denied and every DENY check is moot.
		return
	}
	denied := spans(deny)
	for _, e := range allow {
		prefix := e.prefix()
		if !containedIn(denied, prefix) {
			continue
		}
		message := fmt.Sprintf("every address of %s is denied by the DENY entries together, so this ALLOW entry admits nothing: remove it, or narrow the DENY entries", prefix)
		if container, ok := outermostContaining(deny, prefix); ok {
			message = fmt.Sprintf("every address of %s is denied by %s at %s, so this ALLOW entry admits nothing: remove it, or narrow the DENY entry", prefix, container.prefix(), v.entryPath(container))
		}
		findings = append(findings, entryFinding{entry: e, message: message})
	}

	if v.hasAllowRule && len(deny) > 0 {
		allowed := spans(allow)
		for _, e := range deny {
			prefix := e.prefix()
			if !overlaps(allowed, prefix) {
				findings = append(findings, entryFinding{entry: e, message: fmt.Sprintf("no ALLOW entry contains an address of %s, so this DENY entry removes nothing: remove it, or add the ALLOW entry it is an exception of", prefix)})
			}
		}
	}

	v.warnInWrittenOrder(findings)
}

// spans joins sorted, disjoint entries into sorted ranges, adjacent entries into one: the union of the entries as
// the fewest ranges.
func spans(entries []entry) []netipx.IPRange {
	ranges := make([]netipx.IPRange, 0, len(entries))
	for _, e := range entries {
		prefix := e.prefix()
		first, last := prefix.Addr(), netipx.PrefixLastIP(prefix)
		if n := len(ranges); n > 0 && ranges[n-1].To().Next() == first {
			ranges[n-1] = netipx.IPRangeFrom(ranges[n-1].From(), last)
			continue
		}
		ranges = append(ranges, netipx.IPRangeFrom(first, last))
	}
	return ranges
}

// firstEndingAtOrAfter returns the index of the first of sorted, disjoint ranges that ends at or after addr.
// netip.Addr.Compare sorts IPv4 before IPv6, as entries are sorted.
func firstEndingAtOrAfter(ranges []netipx.IPRange, addr netip.Addr) int {
	return sort.Search(len(ranges), func(i int) bool { return ranges[i].To().Compare(addr) >= 0 })
}

// containedIn reports whether one of sorted, disjoint ranges contains every address of prefix.
func containedIn(ranges []netipx.IPRange, prefix netip.Prefix) bool {
	i := firstEndingAtOrAfter(ranges, prefix.Addr())
	return i < len(ranges) && ranges[i].From().Compare(prefix.Addr()) <= 0 && ranges[i].To().Compare(netipx.PrefixLastIP(prefix)) >= 0
}

// overlaps reports whether one of sorted, disjoint ranges contains an address of prefix.
func overlaps(ranges []netipx.IPRange, prefix netip.Prefix) bool {
	i := firstEndingAtOrAfter(ranges, prefix.Addr())
	return i < len(ranges) && ranges[i].From().Compare(netipx.PrefixLastIP(prefix)) <= 0
}

// outermostContaining returns the one of sorted, disjoint entries that contains prefix, if there is one.
func outermostContaining(entries []entry, prefix netip.Prefix) (entry, bool) {
	// The only candidate is the last entry that starts at or before the prefix.
	i := sort.Search(len(entries), func(i int) bool { return entries[i].prefix().Addr().Compare(prefix.Addr()) > 0 })
	if i == 0 || !containsPrefix(entries[i-1].prefix(), prefix) {
		return entry{}, false
	}
	return entries[i-1], true
}
