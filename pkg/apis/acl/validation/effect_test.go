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

var _ = Describe("warnings about rules without effect", func() {
	const (
		rules    = "spec.extensions[0].providerConfig.rules"
		noSource = "spec.extensions[0].providerConfig.rules: the rules admit no source at all: only the sources that are always admitted (the seed, the shoot's own nodes and egress addresses, the operator's additional CIDRs) reach the kube-apiserver: make sure this is intended, or add an ALLOW entry outside the DENY entries"
	)
	allowDenied := func(path, prefix, by string) string {
		return rules + path + ": every address of " + prefix + " is denied by " + by + ", so this ALLOW entry admits nothing: remove it, or narrow the DENY entry"
	}
	allowDeniedTogether := func(path, prefix string) string {
		return rules + path + ": every address of " + prefix + " is denied by the DENY entries together, so this ALLOW entry admits nothing: remove it, or narrow the DENY entries"
	}
	denyNothing := func(path, prefix string) string {
		return rules + path + ": no ALLOW entry contains an address of " + prefix + ", so this DENY entry removes nothing: remove it, or add the ALLOW entry it is an exception of"
	}

	DescribeTable("ValidateProviderConfig and EnforceProviderConfig warn, with the field path of the entry",
		func(raw []byte, expected ...string) {
			for _, result := range []validation.Result{
				validation.ValidateProviderConfig(raw, nil, root, limits),
				validation.EnforceProviderConfig(raw, root, limits),
			} {
				Expect(result.Errors).To(BeEmpty())
				Expect(result.Policy).NotTo(BeNil())
				if len(expected) == 0 {
					Expect(result.Warnings.Strings()).To(BeEmpty())
				} else {
					Expect(result.Warnings.Strings()).To(Equal(expected))
				}
			}
		},
		Entry("a DENY exception inside an ALLOW range: no warning",
			typed("", rule("ALLOW", "10.0.0.0/8"), rule("DENY", "10.1.0.0/16"))),
		Entry("DENY exceptions of both families: no warning",
			typed("", rule("ALLOW", "2001:db8::/32", "10.0.0.0/8"), rule("DENY", "2001:db8:1::/48", "10.1.0.0/16"))),
		Entry("DENY without an ALLOW rule removes from everything: no warning",
			typed("", rule("DENY", "10.0.0.0/8"))),
		Entry("an ALLOW range inside one DENY entry",
			typed("", rule("ALLOW", "192.168.0.0/16", "10.1.0.0/16"), rule("DENY", "10.0.0.0/8")),
			allowDenied("[0].cidrs[1]", "10.1.0.0/16", "10.0.0.0/8 at "+rules+"[1].cidrs[0]")),
		Entry("an ALLOW range covered only by adjacent DENY entries together",
			typed("", rule("ALLOW", "192.168.0.0/16", "10.0.0.0/24"), rule("DENY", "10.0.0.128/25", "10.0.0.0/25")),
			allowDeniedTogether("[0].cidrs[1]", "10.0.0.0/24")),
		Entry("an IPv6 ALLOW range inside a DENY entry, found among IPv4 ones",
			typed("", rule("ALLOW", "10.0.0.0/8", "2001:db8:1::/48"), rule("DENY", "10.0.0.0/9", "2001:db8::/32")),
			allowDenied("[0].cidrs[1]", "2001:db8:1::/48", "2001:db8::/32 at "+rules+"[1].cidrs[1]")),
		Entry("a DENY outside every ALLOW range",
			typed("", rule("ALLOW", "10.0.0.0/8"), rule("DENY", "10.1.0.0/16", "192.168.0.0/16")),
			denyNothing("[1].cidrs[1]", "192.168.0.0/16")),
		Entry("a DENY right after an ALLOW range, adjacent but outside",
			typed("", rule("DENY", "11.0.0.0/8"), rule("ALLOW", "10.0.0.0/8")),
			denyNothing("[0].cidrs[0]", "11.0.0.0/8")),
		Entry("a DENY of the other family than every ALLOW entry",
			typed("", rule("ALLOW", "10.0.0.0/8"), rule("DENY", "2001:db8::/32")),
			denyNothing("[1].cidrs[0]", "2001:db8::/32")),
		Entry("everything denied: each ALLOW entry and the rules as a whole, in the order written",
			typed("", rule("DENY", "0.0.0.0/0"), rule("ALLOW", "10.0.0.0/8", "172.16.0.0/12")),
			allowDenied("[1].cidrs[0]", "10.0.0.0/8", "0.0.0.0/0 at "+rules+"[0].cidrs[0]"),
			allowDenied("[1].cidrs[1]", "172.16.0.0/12", "0.0.0.0/0 at "+rules+"[0].cidrs[0]"),
			noSource),
		Entry("an entry inside another of its action is reported as redundant only",
			typed("", rule("ALLOW", "10.0.0.0/8", "10.1.0.0/16"), rule("DENY", "10.0.0.0/8", "192.168.0.0/16", "192.168.1.0/24")),
			rules+"[0].cidrs[1]: is already covered by 10.0.0.0/8 at "+rules+"[0].cidrs[0]: remove it",
			rules+"[1].cidrs[2]: is already covered by 192.168.0.0/16 at "+rules+"[1].cidrs[1]: remove it",
			allowDenied("[0].cidrs[0]", "10.0.0.0/8", "10.0.0.0/8 at "+rules+"[1].cidrs[0]"),
			denyNothing("[1].cidrs[1]", "192.168.0.0/16"),
			noSource),
	)

	It("does not warn about the one DENY rule of the legacy form, which removes from everything", func() {
		result := validation.ValidateProviderConfig(legacy("DENY", "remote_ip", "10.0.0.0/8"), nil, root, limits)
		Expect(result.Errors).To(BeEmpty())
		Expect(result.Warnings.Strings()).To(BeEmpty())
	})

	It("counts an entry as Envoy enforces it, masked", func() {
		result := validation.EnforceProviderConfig(typed("", rule("ALLOW", "10.1.2.3/16"), rule("DENY", "10.0.0.0/8")), root, limits)
		Expect(result.Errors).To(BeEmpty())
		Expect(result.Warnings.Strings()).To(ContainElement(allowDenied("[0].cidrs[0]", "10.1.0.0/16", "10.0.0.0/8 at "+rules+"[1].cidrs[0]")))
	})

	It("names the paths of a Shoot's extension", func() {
		shootRoot := field.NewPath("spec", "extensions").Index(2).Child("providerConfig")
		result := validation.ValidateProviderConfig(typed("", rule("ALLOW", "10.0.0.0/8"), rule("DENY", "192.168.0.0/16")), nil, shootRoot, limits)
		Expect(result.Warnings).To(HaveLen(1))
		Expect(result.Warnings[0].Field.String()).To(Equal("spec.extensions[2].providerConfig.rules[1].cidrs[0]"))
	})
})
