// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	"net/netip"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/proto"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
	"github.com/gardener-community/gardener-extension-acl/test/pilot"
)

// The seed of objects_test.go runs nginx behind the wildcard passthrough chain of its ingress domain. Gardener v1.150
// itself puts no shoot's Ingress there (its observability components have Gateways of their own), but the seed's nginx
// serves every Ingress of class nginx (pkg/component/networking/nginxingress/nginxingress.go, gardener v1.150.0), so a
// shoot's control plane namespace may hold one: the controller restricts its host on the wildcard chain.
var _ = Describe("The seed's nginx wildcard chain with istio's pilot", Ordered, func() {
	const observabilityHost = "p-foo--bar.ingress.example.com"
	ingressGateway := envoyfilter.Gateway{Namespace: ingressNamespace, Labels: gatewayLabels, SharedSNIChains: []string{wildcardHost}}

	input := func(allowed string) envoyfilter.Input {
		compiled, err := policy.Build(acl.PrincipalTypeRemoteIP, policy.Entries{Allow: []netip.Prefix{netip.MustParsePrefix(allowed)}, HasAllowRule: true})
		Expect(err).NotTo(HaveOccurred())
		return envoyfilter.Input{TechnicalID: shootNamespace, Policy: compiled, Gateways: []envoyfilter.Gateway{ingressGateway}, SharedSNIHosts: []string{observabilityHost}}
	}
	// generateSeed renders the seed's EnvoyFilters as the controller deploys them and generates the gateway with pilot.
	generateSeed := func(inline bool, inputs ...envoyfilter.Input) *pilot.Config {
		for i := range inputs {
			inputs[i].Gateways[0].InlineSharedListeners = inline
		}
		filters, err := envoyfilter.RenderSeed([]envoyfilter.Gateway{ingressGateway}, inputs...)
		Expect(err).NotTo(HaveOccurred())
		objects := seedObjects()
		for _, filter := range filters {
			objects = append(objects, runtime.Object(filter))
		}
		config, err := pilot.Generate(objects, gateway())
		Expect(err).NotTo(HaveOccurred())
		return config
	}
	sameListeners := func(a, b *pilot.Config) bool {
		if len(a.Listeners) != len(b.Listeners) {
			return false
		}
		for i := range a.Listeners {
			if !proto.Equal(a.Listeners[i], b.Listeners[i]) {
				return false
			}
		}
		return true
	}
	admits := func(config *pilot.Config, serverName, client string) bool {
		request := from(client)
		request.ServerName = serverName
		decision, err := config.Decide(chain(config, pilot.TLSConnection(9443, serverName)), request)
		Expect(err).NotTo(HaveOccurred())
		return decision.Allowed
	}

	var withoutACL, office *pilot.Config
	BeforeAll(func() {
		withoutACL = generateSeed(false)
		office = generateSeed(false, input(allowedClient+"/32"))
	})

	It("restricts the shoot's host on the wildcard chain, in any letter case, and no other name of the domain", func() {
		for _, name := range []string{observabilityHost, strings.ToUpper(observabilityHost)} {
			Expect(admits(office, name, allowedClient)).To(BeTrue(), name)
			Expect(admits(office, name, deniedClient)).To(BeFalse(), name)
		}
		Expect(admits(office, "a.b.ingress.example.com", deniedClient)).To(BeTrue())
		Expect(admits(withoutACL, observabilityHost, deniedClient)).To(BeTrue())
	})

	It("changes no listener when the shoot's rules change, or when it gets or loses its ACL", func() {
		lab := generateSeed(false, input(deniedClient+"/32"))
		Expect(admits(lab, observabilityHost, deniedClient)).To(BeTrue())
		Expect(admits(lab, observabilityHost, allowedClient)).To(BeFalse())

		Expect(sameListeners(office, lab)).To(BeTrue(), "a rule change")
		Expect(sameListeners(withoutACL, office)).To(BeTrue(), "an ACL created or deleted")
	})

	It("admits everybody on the shoot's host of the wildcard chain in Audit, with the shadow verdict of Enforce, and changes no listener", func() {
		for _, inline := range []bool{false, true} {
			audit := input(allowedClient + "/32")
			audit.Policy.Mode = acl.ModeAudit
			audited, enforced := generateSeed(inline, audit), generateSeed(inline, input(allowedClient+"/32"))
			if !inline {
				Expect(sameListeners(office, audited)).To(BeTrue(), "switching to Audit")
			}
			for _, name := range []string{observabilityHost, strings.ToUpper(observabilityHost)} {
				for _, client := range []string{allowedClient, deniedClient} {
					request := from(client)
					request.ServerName = name
					decision, err := audited.Decide(chain(audited, pilot.TLSConnection(9443, name)), request)
					Expect(err).NotTo(HaveOccurred())
					Expect(decision.Allowed).To(BeTrue(), "%s from %s, inline %t", name, client, inline)
					Expect(decision.Audited).To(BeTrue(), "%s from %s, inline %t", name, client, inline)
					Expect(decision.ShadowAllowed).To(Equal(admits(enforced, name, client)), "%s from %s, inline %t", name, client, inline)
				}
			}
		}
	})

	It("did change the wildcard chain with each shoot's own filter in it, before the slots", func() {
		// The layout before the switch, and while gardener-resource-manager applies the slots: the check above can fail.
		inlineOffice, inlineLab := generateSeed(true, input(allowedClient+"/32")), generateSeed(true, input(deniedClient+"/32"))
		Expect(sameListeners(inlineOffice, inlineLab)).To(BeFalse())
		Expect(admits(inlineOffice, observabilityHost, deniedClient)).To(BeFalse())
	})
})
