// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package policy_test

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
	"github.com/gardener-community/gardener-extension-acl/test/policytest"
)

func allow(cidrs ...string) acl.Rule { return acl.Rule{Action: acl.ActionAllow, CIDRs: cidrs} }
func deny(cidrs ...string) acl.Rule  { return acl.Rule{Action: acl.ActionDeny, CIDRs: cidrs} }

func prefixes(texts ...string) []netip.Prefix {
	result := make([]netip.Prefix, 0, len(texts))
	for _, text := range texts {
		result = append(result, netip.MustParsePrefix(text))
	}
	return result
}

var _ = Describe("Compile", func() {
	DescribeTable("computes the minimal allowed prefixes per family",
		func(rules []acl.Rule, ipv4, ipv6 []netip.Prefix) {
			compiled, err := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP, Rules: rules})
			Expect(err).NotTo(HaveOccurred())
			Expect(compiled.IPv4).To(Equal(ipv4))
			Expect(compiled.IPv6).To(Equal(ipv6))
			Expect(compiled.Prefixes()).To(Equal(append(append([]netip.Prefix{}, ipv4...), ipv6...)))
			Expect(compiled.Len()).To(Equal(len(ipv4) + len(ipv6)))
		},
		Entry("an IPv4 ALLOW denies all of IPv6",
			[]acl.Rule{allow("10.250.0.0/16")}, prefixes("10.250.0.0/16"), nil),
		Entry("an IPv6 ALLOW denies all of IPv4",
			[]acl.Rule{allow("2001:db8::/32")}, nil, prefixes("2001:db8::/32")),
		Entry("dual-stack ALLOW",
			[]acl.Rule{allow("2001:db8::/32", "198.51.100.0/24")}, prefixes("198.51.100.0/24"), prefixes("2001:db8::/32")),
		Entry("only DENY rules allow the rest of both families",
			[]acl.Rule{deny("128.0.0.0/1")}, prefixes("0.0.0.0/1"), prefixes("::/0")),
		Entry("DENY wins over ALLOW when written first",
			[]acl.Rule{deny("10.1.0.0/16"), allow("10.0.0.0/14")},
			prefixes("10.0.0.0/16", "10.2.0.0/15"), nil),
		Entry("DENY wins over ALLOW when written last",
			[]acl.Rule{allow("10.0.0.0/14"), deny("10.1.0.0/16")},
			prefixes("10.0.0.0/16", "10.2.0.0/15"), nil),
		Entry("a DENY covering the whole ALLOW leaves nothing",
			[]acl.Rule{allow("10.0.0.0/8"), deny("0.0.0.0/0")}, nil, nil),
		Entry("adjacent prefixes merge",
			[]acl.Rule{allow("10.0.0.0/25", "10.0.0.128/25", "10.0.1.0/24")}, prefixes("10.0.0.0/23"), nil),
		Entry("overlapping and redundant prefixes collapse",
			[]acl.Rule{allow("10.0.0.0/8", "10.1.0.0/16", "10.0.0.0/8"), allow("10.255.255.255/32")}, prefixes("10.0.0.0/8"), nil),
		Entry("a DENY exception splits into the minimal complement",
			[]acl.Rule{allow("192.0.2.0/24"), deny("192.0.2.0/32")},
			prefixes("192.0.2.1/32", "192.0.2.2/31", "192.0.2.4/30", "192.0.2.8/29", "192.0.2.16/28", "192.0.2.32/27", "192.0.2.64/26", "192.0.2.128/25"), nil),
		Entry("host bits of ratcheted entries are masked, as Envoy does",
			[]acl.Rule{allow("10.1.2.3/8")}, prefixes("10.0.0.0/8"), nil),
		Entry("IPv6 in non-canonical spelling",
			[]acl.Rule{allow("2001:DB8:0::/32")}, nil, prefixes("2001:db8::/32")),
	)

	It("keeps the principal type", func() {
		compiled, err := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeDirectRemoteIP, Rules: []acl.Rule{allow("10.0.0.0/8")}})
		Expect(err).NotTo(HaveOccurred())
		Expect(compiled.Type).To(Equal(acl.PrincipalTypeDirectRemoteIP))
	})

	It("refuses entries that are not prefixes instead of guessing", func() {
		_, err := policytest.Compile(&acl.ACLConfig{Rules: []acl.Rule{allow("10.0.0.0/8", "bogus")}})
		Expect(err).To(MatchError(ContainSubstring(`rules[0].cidrs[1]: Invalid value: "bogus"`)))
		_, err = policytest.Compile(&acl.ACLConfig{Rules: []acl.Rule{allow("::ffff:10.0.0.0/104")}})
		Expect(err).To(HaveOccurred())
		_, err = policytest.Compile(&acl.ACLConfig{Rules: []acl.Rule{{Action: "MAYBE", CIDRs: []string{"10.0.0.0/8"}}}})
		Expect(err).To(MatchError(ContainSubstring(`rules[0].action: Unsupported value: "MAYBE"`)))
	})

	Describe("Hash", func() {
		It("is equal for rule sets that allow the same set", func() {
			a, _ := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP, Rules: []acl.Rule{allow("10.0.0.0/25", "10.0.0.128/25")}})
			b, _ := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP, Rules: []acl.Rule{allow("10.0.0.0/24")}})
			Expect(a.Hash()).To(Equal(b.Hash()))
			Expect(a.Hash()).To(HaveLen(64))
		})

		It("differs for different sets and for different principal types", func() {
			a, _ := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP, Rules: []acl.Rule{allow("10.0.0.0/24")}})
			b, _ := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP, Rules: []acl.Rule{allow("10.0.1.0/24")}})
			c, _ := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeDirectRemoteIP, Rules: []acl.Rule{allow("10.0.0.0/24")}})
			Expect(a.Hash()).NotTo(Equal(b.Hash()))
			Expect(a.Hash()).NotTo(Equal(c.Hash()))
		})
	})
})

var _ = Describe("Explain", func() {
	config := &acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP, Rules: []acl.Rule{
		allow("10.0.0.0/8", "2001:db8::/32"),
		deny("10.1.0.0/16"),
		allow("192.0.2.0/24"),
	}}

	DescribeTable("names the deciding rule and entry",
		func(address string, allowed bool, rule, entry int, prefix, reason string) {
			decision := policy.Explain(config, netip.MustParseAddr(address))
			Expect(decision).To(Equal(policy.Decision{Allowed: allowed, Rule: rule, Entry: entry, Prefix: prefix, Reason: reason}))
		},
		Entry("inside an ALLOW entry", "10.2.3.4", true, 0, 0, "10.0.0.0/8", "allowed by an ALLOW rule"),
		Entry("inside a later ALLOW rule", "192.0.2.9", true, 2, 0, "192.0.2.0/24", "allowed by an ALLOW rule"),
		Entry("IPv6 inside an ALLOW entry", "2001:db8::1", true, 0, 1, "2001:db8::/32", "allowed by an ALLOW rule"),
		Entry("inside a DENY exception", "10.1.2.3", false, 1, 0, "10.1.0.0/16", "denied by a DENY rule; DENY wins over ALLOW whatever the order of the rules"),
		Entry("outside every ALLOW", "203.0.113.1", false, -1, -1, "", "denied: ALLOW rules exist and none of them contains the address"),
		Entry("IPv6 outside every ALLOW", "2001:db9::1", false, -1, -1, "", "denied: ALLOW rules exist and none of them contains the address"),
		Entry("IPv4-mapped IPv6 is IPv6, not the IPv4 address", "::ffff:10.2.3.4", false, -1, -1, "", "denied: ALLOW rules exist and none of them contains the address"),
	)

	It("allows what no DENY contains when there is no ALLOW rule", func() {
		denyOnly := &acl.ACLConfig{Rules: []acl.Rule{deny("10.0.0.0/8")}}
		Expect(policy.Explain(denyOnly, netip.MustParseAddr("2001:db8::1"))).To(Equal(policy.Decision{
			Allowed: true, Rule: -1, Entry: -1, Reason: "allowed: there is no ALLOW rule, so every source that no DENY rule contains is allowed",
		}))
		Expect(policy.Explain(denyOnly, netip.MustParseAddr("10.9.9.9")).Allowed).To(BeFalse())
	})
})
