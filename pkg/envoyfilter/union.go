// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"fmt"
	"net/netip"

	"go4.org/netipx"
)

// union returns the minimal sorted prefix list of the union of the given prefix lists, IPv4 before IPv6.
func union(lists ...[]netip.Prefix) ([]netip.Prefix, error) {
	var builder netipx.IPSetBuilder
	for _, list := range lists {
		for _, prefix := range list {
			builder.AddPrefix(prefix.Masked())
		}
	}
	set, err := builder.IPSet()
	if err != nil {
		return nil, fmt.Errorf("failed to join the allowed prefixes: %w", err)
	}
	return set.Prefixes(), nil
}
