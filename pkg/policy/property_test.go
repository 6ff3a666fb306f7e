// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package policy_test

import (
	"math/rand/v2"
	"net/netip"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
	"github.com/gardener-community/gardener-extension-acl/test/policytest"
)

// randomRules generates rule sets whose CIDRs crowd into a small part of each family, so that overlaps, nesting,
// adjacency and DENY exceptions happen often.
type randomRules struct{ rng *rand.Rand }

func (r randomRules) prefix() netip.Prefix {
	if r.rng.IntN(3) == 0 {
		base := netip.MustParseAddr("2001:db8::").As16()
		base[14], base[15] = byte(r.rng.IntN(4)), byte(r.rng.IntN(256))
		return netip.PrefixFrom(netip.AddrFrom16(base), 110+r.rng.IntN(19)).Masked()
	}
	base := [4]byte{10, 0, byte(r.rng.IntN(4)), byte(r.rng.IntN(256))}
	bits := 14 + r.rng.IntN(19)
	if r.rng.IntN(20) == 0 {
		bits = r.rng.IntN(3) // occasionally everything, or half of it
	}
	return netip.PrefixFrom(netip.AddrFrom4(base), bits).Masked()
}

func (r randomRules) config() *acl.ACLConfig {
	config := &acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP}
	for range 1 + r.rng.IntN(6) {
		rule := acl.Rule{Action: acl.ActionAllow}
		if r.rng.IntN(2) == 0 {
			rule.Action = acl.ActionDeny
		}
		for range 1 + r.rng.IntN(8) {
			rule.CIDRs = append(rule.CIDRs, r.prefix().String())
		}
		config.Rules = append(config.Rules, rule)
	}
	return config
}

// probes returns addresses on and around the boundaries of every entry and of every compiled prefix, plus random
// addresses in the crowded areas and far away from them.
func (r randomRules) probes(config *acl.ACLConfig, compiled *policy.Policy) []netip.Addr {
	var boundaries []netip.Prefix
	for _, rule := range config.Rules {
		for _, cidr := range rule.CIDRs {
			boundaries = append(boundaries, netip.MustParsePrefix(cidr))
		}
	}
	boundaries = append(boundaries, compiled.Prefixes()...)

	var probes []netip.Addr
	for _, prefix := range boundaries {
		first := prefix.Addr()
		last := lastAddr(prefix)
		probes = append(probes, first, last, first.Prev(), last.Next())
	}
	for range 50 {
		probes = append(probes, r.prefix().Addr(), netip.AddrFrom4([4]byte{byte(r.rng.IntN(256)), byte(r.rng.IntN(256)), 0, 1}))
	}
	return slices.DeleteFunc(probes, func(addr netip.Addr) bool { return !addr.IsValid() })
}

func lastAddr(prefix netip.Prefix) netip.Addr {
	bytes := prefix.Addr().AsSlice()
	for bit := prefix.Bits(); bit < len(bytes)*8; bit++ {
		bytes[bit/8] |= 0x80 >> (bit % 8)
	}
	addr, _ := netip.AddrFromSlice(bytes)
	return addr
}

func inAnyPrefix(prefixes []netip.Prefix, addr netip.Addr) bool {
	return slices.ContainsFunc(prefixes, func(prefix netip.Prefix) bool { return prefix.Contains(addr) })
}

// sibling returns the other half of the prefix's parent.
func sibling(prefix netip.Prefix) netip.Prefix {
	bytes := prefix.Addr().AsSlice()
	bit := prefix.Bits() - 1
	bytes[bit/8] ^= 0x80 >> (bit % 8)
	addr, _ := netip.AddrFromSlice(bytes)
	return netip.PrefixFrom(addr, prefix.Bits())
}

var _ = Describe("Compile and Explain properties", func() {
	const iterations = 400

	It("allows an address in Explain exactly when a compiled prefix contains it", func() {
		gen := randomRules{rng: rand.New(rand.NewPCG(uint64(GinkgoRandomSeed()), 1))}
		probed := 0
		for iteration := range iterations {
			config := gen.config()
			compiled, err := policytest.Compile(config)
			Expect(err).NotTo(HaveOccurred())

			for _, addr := range gen.probes(config, compiled) {
				probed++
				decision := policy.Explain(config, addr)
				Expect(decision.Allowed).To(Equal(inAnyPrefix(compiled.Prefixes(), addr)),
					"iteration %d, address %s, rules %+v, compiled %v", iteration, addr, config.Rules, compiled.Prefixes())
				Expect(compiled.Allows(addr)).To(Equal(decision.Allowed), "iteration %d, address %s", iteration, addr)
				if decision.Rule >= 0 {
					deciding := netip.MustParsePrefix(config.Rules[decision.Rule].CIDRs[decision.Entry])
					Expect(deciding.Contains(addr)).To(BeTrue())
				}
			}
		}
		Expect(probed).To(BeNumerically(">", iterations*50))
	})

	It("produces a minimal sorted prefix list: no prefix contains, touches as a mergeable sibling, or precedes out of order another", func() {
		gen := randomRules{rng: rand.New(rand.NewPCG(uint64(GinkgoRandomSeed()), 2))}
		for iteration := range iterations {
			config := gen.config()
			compiled, err := policytest.Compile(config)
			Expect(err).NotTo(HaveOccurred())

			for _, family := range [][]netip.Prefix{compiled.IPv4, compiled.IPv6} {
				for i, prefix := range family {
					Expect(prefix).To(Equal(prefix.Masked()))
					Expect(prefix.Addr().Is4()).To(Equal(family[0].Addr().Is4()), "families are not mixed")
					if i > 0 {
						previous := family[i-1]
						Expect(lastAddr(previous).Less(prefix.Addr())).To(BeTrue(),
							"iteration %d: %s and %s overlap or are out of order", iteration, previous, prefix)
					}
					if prefix.Bits() > 0 {
						Expect(family).NotTo(ContainElement(sibling(prefix)),
							"iteration %d: %s and its sibling could merge into one prefix", iteration, prefix)
					}
				}
			}
		}
	})

	It("compiles ALLOW-only rules in one pass to exactly what netipx's set builder computes from unsorted input", func() {
		gen := randomRules{rng: rand.New(rand.NewPCG(uint64(GinkgoRandomSeed()), 3))}
		for iteration := range iterations {
			// A prefix far from the crowded areas makes sure that the entries hold two different addresses.
			allow := []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}
			for range gen.rng.IntN(40) {
				allow = append(allow, gen.prefix())
			}
			// The validator's order: IPv4 first, by address, containers before what they contain.
			sorted := slices.SortedFunc(slices.Values(allow), func(a, b netip.Prefix) int {
				if c := a.Addr().Compare(b.Addr()); c != 0 {
					return c
				}
				return a.Bits() - b.Bits()
			})
			onePass, err := policy.Build(acl.PrincipalTypeRemoteIP, policy.Entries{Allow: sorted, HasAllowRule: true})
			Expect(err).NotTo(HaveOccurred())

			// Out of order, Build leaves the union to netipx.
			unsorted := slices.Clone(sorted)
			slices.Reverse(unsorted)
			viaNetipx, err := policy.Build(acl.PrincipalTypeRemoteIP, policy.Entries{Allow: unsorted, HasAllowRule: true})
			Expect(err).NotTo(HaveOccurred())
			Expect(onePass.Prefixes()).To(Equal(viaNetipx.Prefixes()), "iteration %d, entries %v", iteration, sorted)
		}
	})
})
