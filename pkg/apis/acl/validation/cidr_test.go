// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

var _ = Describe("CIDR entries", func() {
	const entryPath = "spec.extensions[0].providerConfig.rules[0].cidrs[0]"

	validate := func(cidr string) validation.Result {
		return validation.ValidateProviderConfig(typed("", rule("ALLOW", cidr)), nil, root, limits)
	}

	DescribeTable("canonical entries are accepted",
		func(cidr string) {
			result := validate(cidr)
			Expect(result.Errors).To(BeEmpty())
			Expect(result.Policy).NotTo(BeNil())
		},
		Entry("IPv4 network", "10.250.0.0/16"),
		Entry("IPv4 single address", "203.0.113.7/32"),
		Entry("IPv6 network", "2001:db8::/32"),
		Entry("IPv6 single address", "2001:db8::1/128"),
		Entry("IPv6 full-length canonical", "2001:db8:1:2:3:4:5:6/128"),
		Entry("IPv4 everything", "0.0.0.0/0"),
		Entry("IPv6 everything", "::/0"),
	)

	DescribeTable("other entries are rejected with the field path and what to write instead",
		func(cidr string, errorType field.ErrorType, detailFragment string) {
			result := validate(cidr)
			Expect(result.Errors).To(ConsistOf(fieldError(errorType, entryPath, detailFragment)))
			Expect(result.Policy).To(BeNil())
		},
		Entry("empty", "", field.ErrorTypeInvalid, "must not be empty: write an address and a prefix length such as 10.250.0.0/16"),
		Entry("garbage", "not-a-cidr", field.ErrorTypeInvalid, "is not a valid IPv4 or IPv6 CIDR: write an address and a prefix length"),
		Entry("IPv4 prefix length out of range", "10.0.0.0/33", field.ErrorTypeInvalid, "has prefix length /33, out of range for IPv4: use /0 to /32"),
		Entry("IPv6 prefix length out of range", "2001:db8::/129", field.ErrorTypeInvalid, "has prefix length /129, out of range for IPv6: use /0 to /128"),
		Entry("prefix length not a number", "10.0.0.0/x", field.ErrorTypeInvalid, `has a prefix length "x" that is not a number`),
		Entry("negative prefix length", "10.0.0.0/-1", field.ErrorTypeInvalid, `has a prefix length "-1" that is not a number`),
		Entry("IPv4 without prefix length", "10.1.2.3", field.ErrorTypeInvalid, "misses the prefix length: write 10.1.2.3/32 for this single address"),
		Entry("IPv6 without prefix length", "2001:db8::1", field.ErrorTypeInvalid, "misses the prefix length: write 2001:db8::1/128 for this single address"),
		Entry("IPv6 zone", "fe80::1%eth0/64", field.ErrorTypeInvalid, "must not have an IPv6 zone (%eth0): write fe80::/64"),
		Entry("IPv6 zone without prefix length", "fe80::1%eth0", field.ErrorTypeInvalid, "must not have an IPv6 zone (%eth0): write fe80::1"),
		Entry("IPv4-mapped IPv6", "::ffff:10.0.0.0/104", field.ErrorTypeInvalid, "must not be an IPv4-mapped IPv6 prefix, which never matches a client address: write 10.0.0.0/8"),
		Entry("IPv4-mapped IPv6 wider than the IPv4 space", "::ffff:0:0/80", field.ErrorTypeInvalid, "must not be an IPv4-mapped IPv6 prefix"),
		Entry("leading whitespace", " 10.0.0.0/8", field.ErrorTypeInvalid, "must not have surrounding whitespace: write 10.0.0.0/8"),
		Entry("trailing newline", "10.0.0.0/8\n", field.ErrorTypeInvalid, "must not have surrounding whitespace: write 10.0.0.0/8"),
		Entry("IPv4 leading zeros", "010.001.0.0/16", field.ErrorTypeInvalid, "must not have leading zeros, which some tools read as octal: write 10.1.0.0/16 if you mean decimal"),
		Entry("prefix length with leading zero", "10.0.0.0/08", field.ErrorTypeInvalid, "must not have leading zeros in the prefix length: write 10.0.0.0/8"),
		Entry("IPv4 host bits", "10.1.2.3/8", field.ErrorTypeInvalid, "has host bits set: write 10.0.0.0/8 for the whole network, or 10.1.2.3/32 for the single address"),
		Entry("IPv6 host bits", "2001:db8::1/32", field.ErrorTypeInvalid, "has host bits set: write 2001:db8::/32 for the whole network, or 2001:db8::1/128"),
		Entry("IPv6 upper case", "2001:DB8::/32", field.ErrorTypeInvalid, "is not in canonical form: write 2001:db8::/32"),
		Entry("IPv6 zero padding", "2001:0db8::/32", field.ErrorTypeInvalid, "is not in canonical form: write 2001:db8::/32"),
		Entry("IPv6 uncompressed", "2001:db8:0:0:0:0:0:0/32", field.ErrorTypeInvalid, "is not in canonical form: write 2001:db8::/32"),
	)
})
