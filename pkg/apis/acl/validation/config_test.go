// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation_test

import (
	"fmt"
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

var _ = Describe("ValidateProviderConfig", func() {
	const (
		typedRules  = "spec.extensions[0].providerConfig.rules"
		legacyRule  = "spec.extensions[0].providerConfig.rule"
		typedType   = "spec.extensions[0].providerConfig.type"
		typedMode   = "spec.extensions[0].providerConfig.mode"
		legacyType  = "spec.extensions[0].providerConfig.rule.type"
		typedCIDR00 = "spec.extensions[0].providerConfig.rules[0].cidrs[0]"
	)

	// noSource is the warning about rules that admit no source.
	const noSource = "the rules admit no source at all: only the sources that are always admitted (the seed, the shoot's own nodes and egress addresses, the operator's additional CIDRs) reach the kube-apiserver: make sure this is intended, or add an ALLOW entry outside the DENY entries"

	DescribeTable("rule semantics in both forms",
		func(raw []byte, errorMatchers []any, warningMatchers []any) {
			result := validation.ValidateProviderConfig(raw, nil, root, limits)
			if len(errorMatchers) == 0 {
				Expect(result.Errors).To(BeEmpty())
				Expect(result.Policy).NotTo(BeNil())
			} else {
				Expect(result.Errors).To(ConsistOf(errorMatchers...))
				Expect(result.Policy).To(BeNil())
			}
			if len(warningMatchers) == 0 {
				Expect(result.Warnings).To(BeEmpty())
			} else {
				Expect(result.Warnings).To(ConsistOf(warningMatchers...))
			}
		},
		Entry("typed: no rules",
			typed(""), []any{fieldError(field.ErrorTypeRequired, typedRules, `add at least one rule, e.g. {"action": "ALLOW", "cidrs": ["203.0.113.0/24"]}`)}, nil),
		Entry("typed: unknown action",
			typed("", rule("PERMIT", "10.0.0.0/8")), []any{fieldError(field.ErrorTypeNotSupported, typedRules+"[0].action", `supported values: "ALLOW", "DENY"`)}, nil),
		Entry("typed: missing action",
			[]byte(`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"cidrs":["10.0.0.0/8"]}]}`),
			[]any{fieldError(field.ErrorTypeRequired, typedRules+"[0].action", "write ALLOW or DENY")}, nil),
		Entry("legacy: lower-case action and type",
			legacy("allow", "remote_ip", "10.0.0.0/8"), nil, nil),
		Entry("legacy: unknown action",
			legacy("block", "remote_ip", "10.0.0.0/8"), []any{fieldError(field.ErrorTypeNotSupported, legacyRule+".action", `supported values: "ALLOW", "DENY"`)}, nil),
		Entry("typed: unknown type",
			typed("client_ip", rule("ALLOW", "10.0.0.0/8")), []any{fieldError(field.ErrorTypeNotSupported, typedType, `supported values: "remote_ip", "direct_remote_ip", "source_ip"`)}, nil),
		Entry("legacy: unknown type",
			legacy("ALLOW", "x_forwarded_for", "10.0.0.0/8"), []any{fieldError(field.ErrorTypeNotSupported, legacyType, `supported values: "remote_ip", "direct_remote_ip", "source_ip"`)}, nil),
		Entry("typed: deprecated source_ip in any case",
			typed("SOURCE_IP", rule("ALLOW", "10.0.0.0/8")), nil, []any{warning(typedType, "source_ip is deprecated in Envoy: write remote_ip")}),
		Entry("legacy: deprecated source_ip",
			legacy("ALLOW", "source_ip", "10.0.0.0/8"), nil, []any{warning(legacyType, "source_ip is deprecated in Envoy")}),
		Entry("typed: Enforce mode",
			withMode(typed("", rule("ALLOW", "10.0.0.0/8")), "Enforce"), nil, nil),
		Entry("typed: Audit mode warns that nothing is blocked",
			withMode(typed("", rule("ALLOW", "10.0.0.0/8")), "Audit"), nil, []any{warning(typedMode, "blocks no source, so every source reaches the control plane until mode is Enforce")}),
		Entry("typed: unknown mode, also in another letter case",
			withMode(typed("", rule("ALLOW", "10.0.0.0/8")), "audit"), []any{fieldError(field.ErrorTypeNotSupported, typedMode, `supported values: "Enforce", "Audit"`)}, nil),
		Entry("typed: mode that is not a string, with an invalid rule: every error at once",
			withMode(typed("", rule("ALLOW", "10.0.0.0/33")), true), []any{
				fieldError(field.ErrorTypeTypeInvalid, typedMode, "must be a string: Enforce or Audit"),
				fieldError(field.ErrorTypeInvalid, typedCIDR00, ""),
			}, nil),
		Entry("typed: ALLOW without CIDRs",
			typed("", rule("ALLOW")), []any{fieldError(field.ErrorTypeRequired, typedRules+"[0].cidrs", "an ALLOW rule needs at least one CIDR")}, nil),
		Entry("legacy: ALLOW without CIDRs",
			legacy("ALLOW", "remote_ip"), []any{fieldError(field.ErrorTypeRequired, legacyRule+".cidrs", "an ALLOW rule needs at least one CIDR")}, nil),
		Entry("typed: DENY without CIDRs is harmless but pointless",
			typed("", rule("ALLOW", "10.0.0.0/8"), rule("DENY")), nil, []any{warning(typedRules+"[1].cidrs", "this DENY rule has no CIDRs and denies nothing")}),
		Entry("typed: IPv4 ALLOW everything",
			typed("", rule("ALLOW", "0.0.0.0/0")), nil, []any{warning(typedCIDR00, "allows every IPv4 source")}),
		Entry("legacy: IPv6 ALLOW everything",
			legacy("ALLOW", "remote_ip", "::/0"), nil, []any{warning(legacyRule+".cidrs[0]", "allows every IPv6 source")}),
		Entry("typed: DENY everything admits no source",
			typed("", rule("DENY", "0.0.0.0/0", "::/0")), nil, []any{warning(typedRules, noSource)}),
		Entry("typed: duplicate across ALLOW rules",
			typed("", rule("ALLOW", "10.0.0.0/8"), rule("ALLOW", "2001:db8::/32", "10.0.0.0/8")), nil,
			[]any{warning(typedRules+"[1].cidrs[1]", "repeats 10.0.0.0/8, written at "+typedCIDR00+": remove one of them")}),
		Entry("typed: contained entry, written before its container",
			typed("", rule("ALLOW", "2001:db8:1::/48", "2001:db8::/32")), nil,
			[]any{warning(typedCIDR00, "is already covered by 2001:db8::/32 at "+typedRules+"[0].cidrs[1]: remove it")}),
		Entry("typed: a longer prefix at the same address is covered, not repeated",
			typed("", rule("ALLOW", "10.0.0.0/16", "10.0.0.0/8")), nil,
			[]any{warning(typedCIDR00, "is already covered by 10.0.0.0/8 at "+typedRules+"[0].cidrs[1]: remove it")}),
		Entry("typed: nested containment reports the closest container",
			typed("", rule("DENY", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24")), nil,
			[]any{
				warning(typedRules+"[0].cidrs[1]", "is already covered by 10.0.0.0/8"),
				warning(typedRules+"[0].cidrs[2]", "is already covered by 10.1.0.0/16"),
			}),
		Entry("typed: the same CIDR under ALLOW and DENY is no duplicate, but admits nothing (DENY wins)",
			typed("", rule("ALLOW", "10.0.0.0/8"), rule("DENY", "10.0.0.0/8")), nil, []any{
				warning(typedCIDR00, "every address of 10.0.0.0/8 is denied by 10.0.0.0/8 at "+typedRules+"[1].cidrs[0], so this ALLOW entry admits nothing: remove it, or narrow the DENY entry"),
				warning(typedRules, noSource),
			}),
		Entry("legacy: duplicate",
			legacy("ALLOW", "remote_ip", "10.0.0.0/8", "10.0.0.0/8"), nil,
			[]any{warning(legacyRule+".cidrs[1]", "repeats 10.0.0.0/8, written at "+legacyRule+".cidrs[0]")}),
	)

	It("reports every error of a configuration at once, structural and semantic", func() {
		raw := []byte(`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","type":"ip",
			"rules":[{"action":"ALLOW","cidrs":["10.0.0.0/8","300.0.0.0/8",7]},{"action":"MAYBE","cidr":[]},{"action":"DENY","cidrs":["10.1.2.3/16"]}]}`)
		result := validation.ValidateProviderConfig(raw, nil, root, limits)
		Expect(result.Errors).To(ConsistOf(
			fieldError(field.ErrorTypeNotSupported, typedType, "supported values"),
			fieldError(field.ErrorTypeInvalid, typedRules+"[0].cidrs[1]", "is not a valid IPv4 or IPv6 CIDR"),
			fieldError(field.ErrorTypeTypeInvalid, typedRules+"[0].cidrs[2]", "must be a string"),
			fieldError(field.ErrorTypeForbidden, typedRules+"[1].cidr", `did you mean "cidrs"?`),
			fieldError(field.ErrorTypeNotSupported, typedRules+"[1].action", "supported values"),
			fieldError(field.ErrorTypeInvalid, typedRules+"[2].cidrs[0]", "has host bits set: write 10.1.0.0/16"),
		))
		Expect(result.Policy).To(BeNil())
	})

	It("hands the mode to the compiled policy: Enforce unless written, and always in the legacy form", func() {
		for raw, audited := range map[string]bool{
			string(typed("", rule("ALLOW", "10.0.0.0/8"))):                      false,
			string(withMode(typed("", rule("ALLOW", "10.0.0.0/8")), "Enforce")): false,
			string(withMode(typed("", rule("ALLOW", "10.0.0.0/8")), "Audit")):   true,
			string(legacy("ALLOW", "remote_ip", "10.0.0.0/8")):                  false,
		} {
			for _, result := range []validation.Result{
				validation.ValidateProviderConfig([]byte(raw), nil, root, limits),
				validation.EnforceProviderConfig([]byte(raw), root, limits),
			} {
				Expect(result.Errors).To(BeEmpty(), raw)
				Expect(result.Policy.Audited()).To(Equal(audited), raw)
			}
		}
	})

	Describe("limits", func() {
		It("refuses more entries than the maximum with field.TooMany", func() {
			cidrs := make([]string, 0, 11)
			for i := range 11 {
				cidrs = append(cidrs, fmt.Sprintf("10.0.%d.0/24", i))
			}
			result := validation.ValidateProviderConfig(typed("", rule("ALLOW", cidrs...)), nil, root, validation.Limits{MaxEntries: 10, MaxCompiledPrefixes: 10})
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeTooMany, typedRules, "the rules have 11 CIDR entries, more than the maximum of 10")))
		})

		It("counts the entries of the legacy form at rule.cidrs", func() {
			result := validation.ValidateProviderConfig(legacy("ALLOW", "remote_ip", "10.0.0.0/8", "10.2.0.0/16"), nil, root, validation.Limits{MaxEntries: 1, MaxCompiledPrefixes: 1})
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeTooMany, legacyRule+".cidrs", "more than the maximum of 1")))
		})

		It("refuses rules that compile to more prefixes than the maximum", func() {
			// Denying one address out of all of IPv4 leaves 32 prefixes.
			raw := typed("", rule("ALLOW", "0.0.0.0/0"), rule("DENY", "192.0.2.1/32"))
			result := validation.ValidateProviderConfig(raw, nil, root, validation.Limits{MaxEntries: 10, MaxCompiledPrefixes: 31})
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeTooMany, typedRules, "the rules compile to 32 prefixes, more than the maximum of 31")))

			result = validation.ValidateProviderConfig(raw, nil, root, validation.Limits{MaxEntries: 10, MaxCompiledPrefixes: 32})
			Expect(result.Errors).To(BeEmpty())
			Expect(result.Policy.IPv4).To(HaveLen(32))
		})

		It("validates the limits themselves", func() {
			Expect(validation.DefaultLimits().Validate()).To(Succeed())
			Expect(validation.Limits{MaxEntries: 0, MaxCompiledPrefixes: 10}.Validate()).To(MatchError(ContainSubstring("--max-entries must be at least 1")))
			Expect(validation.Limits{MaxEntries: 10, MaxCompiledPrefixes: 9}.Validate()).To(MatchError(ContainSubstring("must be at least --max-entries")))
		})
	})

	Describe("update ratcheting", func() {
		It("rejects host bits on create", func() {
			result := validation.ValidateProviderConfig(typed("", rule("ALLOW", "10.1.2.3/8")), nil, root, limits)
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeInvalid, typedCIDR00, "has host bits set: write 10.0.0.0/8")))
		})

		It("accepts with a warning an entry the old object already had", func() {
			old := legacy("ALLOW", "remote_ip", "10.1.2.3/8", "2001:DB8::/32")
			updated := legacy("ALLOW", "remote_ip", "10.1.2.3/8", "2001:DB8::/32", "192.0.2.0/24")
			result := validation.ValidateProviderConfig(updated, old, root, limits)
			Expect(result.Errors).To(BeEmpty())
			Expect(result.Warnings).To(ConsistOf(
				warning(legacyRule+".cidrs[0]", `"10.1.2.3/8" has host bits set: write 10.0.0.0/8 for the whole network, or 10.1.2.3/32 for the single address; it is accepted because the shoot already had it`),
				warning(legacyRule+".cidrs[1]", `"2001:DB8::/32" is not in canonical form: write 2001:db8::/32; it is accepted because the shoot already had it`),
			))
			Expect(result.Policy.IPv4).To(ConsistOf(netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.0/24")))
		})

		It("ratchets across a migration from the legacy to the typed form", func() {
			old := legacy("ALLOW", "remote_ip", "10.1.2.3/8")
			updated := typed("", rule("ALLOW", "10.1.2.3/8"))
			result := validation.ValidateProviderConfig(updated, old, root, limits)
			Expect(result.Errors).To(BeEmpty())
			Expect(result.Warnings).To(ConsistOf(warning(typedCIDR00, "it is accepted because the shoot already had it")))
		})

		It("rejects a new non-canonical entry on update", func() {
			old := typed("", rule("ALLOW", "10.0.0.0/8"))
			updated := typed("", rule("ALLOW", "10.0.0.0/8", "10.1.2.3/16"))
			result := validation.ValidateProviderConfig(updated, old, root, limits)
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeInvalid, typedRules+"[0].cidrs[1]", "has host bits set: write 10.1.0.0/16")))
		})

		It("never ratchets entries that do not denote one prefix", func() {
			old := legacy("ALLOW", "remote_ip", "::ffff:10.0.0.0/104")
			result := validation.ValidateProviderConfig(old, old, root, limits)
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeInvalid, legacyRule+".cidrs[0]", "must not be an IPv4-mapped IPv6 prefix")))
		})

		It("tolerates an old object that cannot be decoded", func() {
			result := validation.ValidateProviderConfig(typed("", rule("ALLOW", "10.1.2.3/8")), []byte(`{garbage`), root, limits)
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeInvalid, typedCIDR00, "has host bits set")))
		})
	})
})
