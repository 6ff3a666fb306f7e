// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation_test

import (
	"github.com/gardener/gardener/pkg/apis/core"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

var _ = Describe("ValidateShootExtensions", func() {
	shootWith := func(extensions ...core.Extension) *core.Shoot {
		return &core.Shoot{Spec: core.ShootSpec{Extensions: extensions}}
	}
	aclExtension := func(raw []byte) core.Extension {
		extension := core.Extension{Type: "acl"}
		if raw != nil {
			extension.ProviderConfig = &runtime.RawExtension{Raw: raw}
		}
		return extension
	}
	validateCreate := func(shoot *core.Shoot) validation.ShootResult {
		return validation.ValidateShootExtensions(validation.ExtensionsOfShoot(shoot), nil, limits)
	}
	validateUpdate := func(shoot, old *core.Shoot) validation.ShootResult {
		return validation.ValidateShootExtensions(validation.ExtensionsOfShoot(shoot), validation.ExtensionsOfShoot(old), limits)
	}

	It("accepts a Shoot without extensions", func() {
		Expect(validateCreate(shootWith()).Errors).To(BeEmpty())
	})

	It("requires a providerConfig for an enabled acl extension", func() {
		result := validateCreate(shootWith(aclExtension(nil)))
		Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeRequired, "spec.extensions[0].providerConfig", "the acl extension needs a providerConfig with rules")))
	})

	It("skips a disabled acl extension, whatever its providerConfig", func() {
		extension := aclExtension([]byte(`{"rule":"garbage"}`))
		extension.Disabled = ptr.To(true)
		Expect(validateCreate(shootWith(extension)).Errors).To(BeEmpty())
	})

	It("validates an acl extension that is explicitly not disabled", func() {
		extension := aclExtension(nil)
		extension.Disabled = ptr.To(false)
		Expect(validateCreate(shootWith(extension)).Errors).To(HaveLen(1))
	})

	It("ignores other extension types and uses the acl extension's index in paths", func() {
		shoot := shootWith(
			core.Extension{Type: "shoot-dns-service", ProviderConfig: &runtime.RawExtension{Raw: []byte(`{"anything":true}`)}},
			core.Extension{Type: "registry-cache"},
			aclExtension(typed("", rule("ALLOW", "10.0.0.0/8", "bad"))),
		)
		result := validateCreate(shoot)
		Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeInvalid, "spec.extensions[2].providerConfig.rules[0].cidrs[1]", "is not a valid IPv4 or IPv6 CIDR")))
	})

	It("validates both providerConfig forms", func() {
		Expect(validateCreate(shootWith(aclExtension(legacy("ALLOW", "remote_ip", "10.0.0.0/8")))).Errors).To(BeEmpty())
		Expect(validateCreate(shootWith(aclExtension(typed("", rule("ALLOW", "10.0.0.0/8"))))).Errors).To(BeEmpty())
	})

	It("returns warnings separately from errors", func() {
		result := validateCreate(shootWith(aclExtension(typed("source_ip", rule("ALLOW", "0.0.0.0/0")))))
		Expect(result.Errors).To(BeEmpty())
		Expect(result.Warnings.Strings()).To(ConsistOf(
			"spec.extensions[0].providerConfig.type: source_ip is deprecated in Envoy: write remote_ip, its replacement, which also honours the PROXY protocol (direct_remote_ip would match the load balancer instead)",
			"spec.extensions[0].providerConfig.rules[0].cidrs[0]: allows every IPv4 source: make sure this is intended, or list the networks that need access",
		))
	})

	Describe("updates", func() {
		It("does not validate a providerConfig that did not change", func() {
			// The old rules are invalid today (e.g. written before the webhook existed); an unrelated update of the
			// Shoot must not be blocked by them.
			raw := legacy("ALLOW", "remote_ip", "10.0.0.0/8", "not-a-cidr")
			result := validateUpdate(shootWith(aclExtension(raw)), shootWith(aclExtension(raw)))
			Expect(result.Errors).To(BeEmpty())
			Expect(result.Warnings).To(BeEmpty())
		})

		It("reminds on every update that unchanged rules in Audit mode block nothing, without validating them again", func() {
			raw := withMode(typed("", rule("ALLOW", "10.0.0.0/8", "not-a-cidr")), "Audit")
			result := validateUpdate(shootWith(aclExtension(raw)), shootWith(aclExtension(raw)))
			Expect(result.Errors).To(BeEmpty())
			Expect(result.Warnings).To(ConsistOf(warning("spec.extensions[0].providerConfig.mode", "the rules are audited")))

			enforced := withMode(typed("", rule("ALLOW", "10.0.0.0/8")), "Enforce")
			Expect(validateUpdate(shootWith(aclExtension(enforced)), shootWith(aclExtension(enforced))).Warnings).To(BeEmpty())
		})

		It("validates a changed providerConfig with ratcheting against the old one", func() {
			old := shootWith(aclExtension(legacy("ALLOW", "remote_ip", "10.1.2.3/8")))
			updated := shootWith(aclExtension(legacy("ALLOW", "remote_ip", "10.1.2.3/8", "172.16.5.0/12")))
			result := validateUpdate(updated, old)
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeInvalid, "spec.extensions[0].providerConfig.rule.cidrs[1]", "has host bits set: write 172.16.0.0/12")))
			Expect(result.Warnings).To(ConsistOf(warning("spec.extensions[0].providerConfig.rule.cidrs[0]", "accepted because the shoot already had it")))
		})

		It("treats adding the acl extension in an update like a create", func() {
			updated := shootWith(aclExtension(legacy("ALLOW", "remote_ip", "10.1.2.3/8")))
			result := validateUpdate(updated, shootWith())
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeInvalid, "spec.extensions[0].providerConfig.rule.cidrs[0]", "has host bits set")))
		})

		It("validates a previously disabled extension when it is enabled", func() {
			raw := legacy("ALLOW", "remote_ip", "bad")
			disabled := aclExtension(raw)
			disabled.Disabled = ptr.To(true)
			result := validateUpdate(shootWith(aclExtension(legacy("ALLOW", "remote_ip", "bad", "10.0.0.0/8"))), shootWith(disabled))
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeInvalid, "spec.extensions[0].providerConfig.rule.cidrs[0]", "is not a valid")))
		})

		It("validates an unchanged providerConfig when the extension is enabled again", func() {
			raw := legacy("ALLOW", "remote_ip", "bad")
			disabled := aclExtension(raw)
			disabled.Disabled = ptr.To(true)
			result := validateUpdate(shootWith(aclExtension(raw)), shootWith(disabled))
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeInvalid, "spec.extensions[0].providerConfig.rule.cidrs[0]", "is not a valid")))
		})

		It("requires a providerConfig even when the old one was missing too", func() {
			result := validateUpdate(shootWith(aclExtension(nil)), shootWith(aclExtension(nil)))
			Expect(result.Errors).To(ConsistOf(fieldError(field.ErrorTypeRequired, "spec.extensions[0].providerConfig", "needs a providerConfig")))
		})
	})
})
