// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package policy_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
)

// BenchmarkBuild measures the set operations alone, on sorted, disjoint prefixes (half IPv4, half IPv6) with every
// eighth entry denied, the shape the validator hands over.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1, 50, 1000, 10000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			var entries policy.Entries
			entries.HasAllowRule = true
			for i := range n {
				var prefix netip.Prefix
				if i < n/2 {
					prefix = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24)
				} else {
					bytes := netip.MustParseAddr("2001:db8::").As16()
					bytes[4], bytes[5] = byte(i>>8), byte(i)
					prefix = netip.PrefixFrom(netip.AddrFrom16(bytes), 48)
				}
				if i%8 == 7 {
					entries.Deny = append(entries.Deny, prefix)
				} else {
					entries.Allow = append(entries.Allow, prefix)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := policy.Build(acl.PrincipalTypeRemoteIP, entries); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
