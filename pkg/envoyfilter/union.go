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
	var builder netipx.IPSetBuilder
	for _, list := range lists {
		for _, prefix := range list {
			if prefix.IsValid() {
				builder.AddPrefix(prefix.Masked())
			}
		}
	}
	set, _ := builder.IPSet()
	return set.Prefixes()
}
