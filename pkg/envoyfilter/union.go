// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"net/netip"

	"go4.org/netipx"
)

// union returns the minimal sorted prefix list of the union of the given prefix lists, IPv4 before IPv6. Valid
// prefixes cannot make the builder fail; invalid ones (the zero Prefix) are left out.
func union(lists ...[]netip.Prefix) []netip.Prefix {
	builder := unionBuilder(lists...)
	set, _ := builder.IPSet()
	return set.Prefixes()
}

// unionBuilder returns a builder holding the union of the given prefix lists, invalid prefixes left out.
func unionBuilder(lists ...[]netip.Prefix) *netipx.IPSetBuilder {
	builder := &netipx.IPSetBuilder{}
	for _, list := range lists {
		for _, prefix := range list {
			if prefix.IsValid() {
				builder.AddPrefix(prefix.Masked())
			}
		}
	}
	return builder
}
