// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation_test

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

var _ = Describe("EnforceProviderConfig", func() {
	const (
		typedCIDR00  = "spec.extensions[0].providerConfig.rules[0].cidrs[0]"
		legacyCIDR00 = "spec.extensions[0].providerConfig.rule.cidrs[0]"
	)

	prefixes := func(texts ...string) []string { return append([]string{}, texts...) }
	texts := func(prefixes []netip.Prefix) []string {
		result := make([]string, 0, len(prefixes))
		for _, prefix := range prefixes {
			result = append(result, prefix.String())
		}
		return result
	}

	DescribeTable("enforces what the webhook refuses on create but may have admitted, as Envoy matched it",
		func(raw []byte, ipv4, ipv6 []string, warningMatchers ...any) {
			// On create the webhook refuses each of these configurations ...
			Expect(validation.ValidateProviderConfig(raw, nil, root, limits).Errors).NotTo(BeEmpty())

			result := validation.EnforceProviderConfig(raw, root, limits)
			Expect(result.Errors).To(BeEmpty())
			Expect(result.Policy).NotTo(BeNil())
			Expect(texts(result.Policy.IPv4)).To(Equal(ipv4))
			Expect(texts(result.Policy.IPv6)).To(Equal(ipv6))
			Expect(result.Warnings).To(ConsistOf(warningMatchers...))
		},
		Entry("legacy IPv4 host bits (the existing extension's README example)",
			legacy("ALLOW", "remote_ip", "1.2.3.4/24"), prefixes("1.2.3.0/24"), prefixes(),
			warning(legacyCIDR00, `"1.2.3.4/24" has host bits set: write 1.2.3.0/24 for the whole network, or 1.2.3.4/32 for the single address; it is enforced as 1.2.3.0/24`)),
		Entry("typed IPv6 host bits and upper case",
			typed("", rule("ALLOW", "2001:DB8::1/32")), prefixes(), prefixes("2001:db8::/32"),
			warning(typedCIDR00, "it is enforced as 2001:db8::/32")),
		Entry("IPv4-mapped IPv6 range longer than 96 bits: Envoy matched the single IPv4 address",
			legacy("ALLOW", "remote_ip", "::ffff:10.0.0.0/104"), prefixes("10.0.0.0/32"), prefixes(),
			warning(legacyCIDR00, "it is enforced as 10.0.0.0/32, the prefix Envoy matched for it under the existing ACL extension (write 10.0.0.0/32 to keep that)")),
		Entry("IPv4-mapped IPv6 range shorter than 32 bits: Envoy matched the IPv4 range of that length",
			legacy("ALLOW", "remote_ip", "::ffff:10.1.2.0/16"), prefixes("10.1.0.0/16"), prefixes(),
			warning(legacyCIDR00, "it is enforced as 10.1.0.0/16")),
		Entry("leading zero in the prefix length, read as decimal by net.ParseCIDR",
			legacy("ALLOW", "remote_ip", "10.0.0.0/08"), prefixes("10.0.0.0/8"), prefixes(),
			warning(legacyCIDR00, "it is enforced as 10.0.0.0/8")),
		Entry("DENY with host bits removes the masked range",
			legacy("deny", "remote_ip", "10.1.2.3/8"), prefixes("0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"), prefixes("::/0"),
			warning(legacyCIDR00, "it is enforced as 10.0.0.0/8")),
	)

	DescribeTable("refuses what has no single meaning, as on create",
		func(raw []byte, path, detail string) {
			result := validation.EnforceProviderConfig(raw, root, limits)
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeInvalid, path, detail)))
			Expect(result.Policy).To(BeNil())
		},
		Entry("garbage", legacy("ALLOW", "remote_ip", "not-a-cidr"), legacyCIDR00, "is not a valid IPv4 or IPv6 CIDR"),
		Entry("missing prefix length", legacy("ALLOW", "remote_ip", "10.1.2.3"), legacyCIDR00, "misses the prefix length"),
		Entry("IPv4 leading zeros (octal or decimal?)", legacy("ALLOW", "remote_ip", "010.1.0.0/16"), legacyCIDR00, "must not have leading zeros"),
		Entry("surrounding whitespace", typed("", rule("ALLOW", " 10.0.0.0/8")), typedCIDR00, "must not have surrounding whitespace"),
	)

	It("reports the prefix each entry is enforced as, by rule and entry", func() {
		result := validation.EnforceProviderConfig(typed("", rule("ALLOW", "::ffff:10.0.0.0/104", "10.1.2.3/16"), rule("DENY", "not-a-cidr", "2001:DB8::/32")), root, limits)
		Expect(result.Enforced).To(HaveLen(2))
		Expect(texts(result.Enforced[0])).To(Equal([]string{"10.0.0.0/32", "10.1.0.0/16"}))
		Expect(result.Enforced[1][0].IsValid()).To(BeFalse())
		Expect(result.Enforced[1][1].String()).To(Equal("2001:db8::/32"))
		Expect(validation.ValidateProviderConfig(typed("", rule("ALLOW", "10.0.0.0/8")), nil, root, limits).Enforced).To(BeNil())
	})

	It("keeps the entry limit", func() {
		result := validation.EnforceProviderConfig(legacy("ALLOW", "remote_ip", "10.0.0.1/8", "10.0.0.2/8", "10.0.0.3/8"), root, validation.Limits{MaxEntries: 2, MaxCompiledPrefixes: 10})
		Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeTooMany, "spec.extensions[0].providerConfig.rule.cidrs", "more than the maximum of 2")))
	})

	It("compiles canonical rules exactly as ValidateProviderConfig does", func() {
		raw := typed("", rule("ALLOW", "203.0.113.0/24", "2001:db8:1::/48"), rule("DENY", "203.0.113.128/26"))
		enforced := validation.EnforceProviderConfig(raw, root, limits)
		validated := validation.ValidateProviderConfig(raw, nil, root, limits)
		Expect(enforced.Errors).To(BeEmpty())
		Expect(enforced.Warnings).To(BeEmpty())
		Expect(enforced.Policy.Hash()).To(Equal(validated.Policy.Hash()))
	})
})
