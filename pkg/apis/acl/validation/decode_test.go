// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

var _ = Describe("Decode", func() {
	Describe("the typed form", func() {
		It("decodes type and ordered rules", func() {
			decoded, errs := validation.Decode(typed("direct_remote_ip", rule("ALLOW", "10.0.0.0/8"), rule("DENY", "10.1.0.0/16")), root)
			Expect(errs).To(BeEmpty())
			Expect(decoded.Form).To(Equal(validation.FormTyped))
			Expect(decoded.Config.Type).To(Equal(acl.PrincipalTypeDirectRemoteIP))
			Expect(decoded.Config.Rules).To(Equal([]acl.Rule{
				{Action: acl.ActionAllow, CIDRs: []string{"10.0.0.0/8"}},
				{Action: acl.ActionDeny, CIDRs: []string{"10.1.0.0/16"}},
			}))
		})

		It("defaults the type to remote_ip", func() {
			decoded, errs := validation.Decode(typed("", rule("ALLOW", "10.0.0.0/8")), root)
			Expect(errs).To(BeEmpty())
			Expect(decoded.Config.Type).To(Equal(acl.PrincipalTypeRemoteIP))
		})

		It("normalises the letter case of action and type", func() {
			decoded, errs := validation.Decode(typed("Direct_Remote_IP", rule("allow", "10.0.0.0/8"), rule("Deny", "10.1.0.0/16")), root)
			Expect(errs).To(BeEmpty())
			Expect(decoded.Config.Type).To(Equal(acl.PrincipalTypeDirectRemoteIP))
			Expect(decoded.Config.Rules[0].Action).To(Equal(acl.ActionAllow))
			Expect(decoded.Config.Rules[1].Action).To(Equal(acl.ActionDeny))
		})
	})

	Describe("the legacy form", func() {
		It("reads the single rule with its type", func() {
			decoded, errs := validation.Decode(legacy("allow", "REMOTE_IP", "10.0.0.0/8", "2001:db8::/32"), root)
			Expect(errs).To(BeEmpty())
			Expect(decoded.Form).To(Equal(validation.FormLegacy))
			Expect(decoded.Config.Type).To(Equal(acl.PrincipalTypeRemoteIP))
			Expect(decoded.Config.Rules).To(Equal([]acl.Rule{{Action: acl.ActionAllow, CIDRs: []string{"10.0.0.0/8", "2001:db8::/32"}}}))
		})

		It("defaults a missing type to remote_ip", func() {
			decoded, errs := validation.Decode([]byte(`{"rule":{"action":"ALLOW","cidrs":["10.0.0.0/8"]}}`), root)
			Expect(errs).To(BeEmpty())
			Expect(decoded.Config.Type).To(Equal(acl.PrincipalTypeRemoteIP))
		})

		It("accepts the exact text of shoots in the field", func() {
			decoded, errs := validation.Decode([]byte(`{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["1.2.3.4/32","10.250.0.0/16"]}}`), root)
			Expect(errs).To(BeEmpty())
			Expect(decoded.Config.Rules[0].CIDRs).To(HaveLen(2))
		})
	})

	DescribeTable("structural errors name the field and what to write",
		func(raw string, matchers ...any) {
			_, errs := validation.Decode([]byte(raw), root)
			Expect(errs).To(ConsistOf(matchers...))
		},
		Entry("missing providerConfig", ``,
			fieldError(field.ErrorTypeRequired, "spec.extensions[0].providerConfig", "the acl extension needs a providerConfig with rules")),
		Entry("null providerConfig", `null`,
			fieldError(field.ErrorTypeRequired, "spec.extensions[0].providerConfig", "needs a providerConfig")),
		Entry("not JSON", `{"rules": [`,
			fieldError(field.ErrorTypeInvalid, "spec.extensions[0].providerConfig", "is not valid JSON")),
		Entry("not an object", `["10.0.0.0/8"]`,
			fieldError(field.ErrorTypeTypeInvalid, "spec.extensions[0].providerConfig", "must be an object")),
		Entry("misspelled field in a typed rule",
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidr":["10.0.0.0/8"]}]}`,
			fieldError(field.ErrorTypeForbidden, "spec.extensions[0].providerConfig.rules[0].cidr", `unknown field "cidr": did you mean "cidrs"?`)),
		Entry("field in the wrong letter case",
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","Rules":[]}`,
			fieldError(field.ErrorTypeForbidden, "spec.extensions[0].providerConfig.Rules", `unknown field "Rules": did you mean "rules"?`)),
		Entry("unknown field without a near match",
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[],"priority":3}`,
			fieldError(field.ErrorTypeForbidden, "spec.extensions[0].providerConfig.priority", `unknown field "priority": the known fields here are apiVersion, kind, type, mode, rules`)),
		Entry("type inside a typed rule",
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","type":"remote_ip","cidrs":["10.0.0.0/8"]}]}`,
			fieldError(field.ErrorTypeForbidden, "spec.extensions[0].providerConfig.rules[0].type", "type applies to all rules: set it once at the top level")),
		Entry("legacy rule inside the typed form",
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rule":{"action":"ALLOW","cidrs":["10.0.0.0/8"]}}`,
			fieldError(field.ErrorTypeForbidden, "spec.extensions[0].providerConfig.rule", "rule is only valid in the legacy form without apiVersion and kind: move its action and cidrs into rules")),
		Entry("typed rules without apiVersion and kind",
			`{"rules":[{"action":"ALLOW","cidrs":["10.0.0.0/8"]}]}`,
			fieldError(field.ErrorTypeRequired, "spec.extensions[0].providerConfig.apiVersion", "the typed form needs apiVersion: acl.extensions.gardener.cloud/v1alpha1"),
			fieldError(field.ErrorTypeRequired, "spec.extensions[0].providerConfig.kind", "the typed form needs kind: ACLConfig")),
		Entry("unknown apiVersion",
			`{"apiVersion":"acl.extensions.gardener.cloud/v2","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":["10.0.0.0/8"]}]}`,
			fieldError(field.ErrorTypeNotSupported, "spec.extensions[0].providerConfig.apiVersion", `supported values: "acl.extensions.gardener.cloud/v1alpha1"`)),
		Entry("unknown kind",
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACL","rules":[{"action":"ALLOW","cidrs":["10.0.0.0/8"]}]}`,
			fieldError(field.ErrorTypeNotSupported, "spec.extensions[0].providerConfig.kind", `supported values: "ACLConfig"`)),
		Entry("cidrs as a string",
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":"10.0.0.0/8"}]}`,
			fieldError(field.ErrorTypeTypeInvalid, "spec.extensions[0].providerConfig.rules[0].cidrs", `must be a list of CIDRs such as ["10.250.0.0/16", "2001:db8::/32"]`)),
		Entry("rules as an object",
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":{"action":"ALLOW"}}`,
			fieldError(field.ErrorTypeTypeInvalid, "spec.extensions[0].providerConfig.rules", "must be a list of rules")),
		Entry("a rule that is not an object",
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":["10.0.0.0/8"]}`,
			fieldError(field.ErrorTypeTypeInvalid, "spec.extensions[0].providerConfig.rules[0]", "must be an object such as")),
		Entry("a number as action",
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":1,"cidrs":["10.0.0.0/8"]}]}`,
			fieldError(field.ErrorTypeTypeInvalid, "spec.extensions[0].providerConfig.rules[0].action", "must be a string: ALLOW or DENY")),
		Entry("a number as CIDR",
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":["10.0.0.0/8",10]}]}`,
			fieldError(field.ErrorTypeTypeInvalid, "spec.extensions[0].providerConfig.rules[0].cidrs[1]", `must be a string such as "10.250.0.0/16"`)),
		Entry("a duplicate key",
			`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","action":"DENY","cidrs":["10.0.0.0/8"]}]}`,
			fieldError(field.ErrorTypeInvalid, "spec.extensions[0].providerConfig.rules[0].action", "is written more than once: keep only one of them")),
		Entry("legacy misspelled field",
			`{"rule":{"action":"ALLOW","typ":"remote_ip","cidrs":["10.0.0.0/8"]}}`,
			fieldError(field.ErrorTypeForbidden, "spec.extensions[0].providerConfig.rule.typ", `unknown field "typ": did you mean "type"?`)),
		Entry("legacy rule mixed with rules",
			`{"rule":{"action":"ALLOW","cidrs":["10.0.0.0/8"]},"rules":[]}`,
			fieldError(field.ErrorTypeForbidden, "spec.extensions[0].providerConfig.rules", "use either the legacy rule or the typed form")),
		Entry("legacy rule that is a list",
			`{"rule":[{"action":"ALLOW","cidrs":["10.0.0.0/8"]}]}`,
			fieldError(field.ErrorTypeTypeInvalid, "spec.extensions[0].providerConfig.rule", "must be an object such as")),
		Entry("legacy type that is a number",
			`{"rule":{"action":"ALLOW","type":4,"cidrs":["10.0.0.0/8"]}}`,
			fieldError(field.ErrorTypeTypeInvalid, "spec.extensions[0].providerConfig.rule.type", "must be a string such as remote_ip")),
	)
})
