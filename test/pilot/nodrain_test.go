// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/proto"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/pilot"
)

// Rule changes without drains (issue #12): Envoy drains the connections of a filter chain whose configuration
// changes, so a change of a shoot's admitted sources must reach the gateway by ECDS only, with every listener as
// pilot generates it byte for byte the same.
var _ = Describe("A change of a shoot's admitted sources, with istio's pilot", func() {
	It("changes no SNI listener of any gateway, only the shoot's ECDS resource", func() {
		seed := gardenerseed.Seed{Zones: []string{"a", "b"}, WildcardCertificate: true}
		shoots := scenario{seed: seed, protected: gardenerseed.Shoot{Zone: "a"}}.matrixShoots()
		before := buildSeed(seed, shoots...)
		after := before.withShoot(protected, `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":["192.0.2.0/24"]}]}`, []string{"198.51.100.77/32"})

		protectedFilter := envoyfilter.Name(before.shoot(protected).technicalID)
		changedResources, listeners := 0, 0
		for _, gateway := range before.gateways {
			old, updated := before.configs[gateway.Namespace], after.configs[gateway.Namespace]
			oldListener := listenerBytes(old, envoyfilter.SNIListenerPort)
			Expect(listenerBytes(updated, envoyfilter.SNIListenerPort)).To(Equal(oldListener), gateway.Namespace)
			if oldListener != nil {
				listeners++
			}
			if resource := extensionConfig(updated, protectedFilter); resource != nil {
				Expect(proto.Equal(resource, extensionConfig(old, protectedFilter))).To(BeFalse(), "%s: the new rules arrive by ECDS", gateway.Namespace)
				changedResources++
			}
		}
		Expect(changedResources).To(BeNumerically(">", 0), "the shoot's own chains take their rules from ECDS")
		Expect(listeners).To(BeNumerically(">=", 2), "the zonal gateway of the shoot and the default gateway serve it")

		// And the gateway enforces the new rules: pilot's ECDS resource is what Decide reads.
		shoot := before.shoot(protected)
		newOffice := source{name: "the new office", addr: "192.0.2.5"}
		for _, s := range []*seedUnderTest{before, after} {
			config := s.configs[shoot.apiServerGateway.Namespace]
			chain, err := config.FilterChain(pilot.TLSConnection(envoyfilter.SNIListenerPort, shoot.spec.ExternalAPIServerHost()))
			Expect(err).NotTo(HaveOccurred())
			decision, err := config.Decide(chain, newOffice.request(nil))
			Expect(err).NotTo(HaveOccurred())
			Expect(decision.Allowed).To(Equal(s == after), "the new office before and after the change")
		}
	})
})

// listenerBytes is the listener on port in Envoy's wire format, deterministically ordered: what Envoy compares to
// decide whether a listener changed; nil when the gateway has no such listener (no Gateway server uses the port).
func listenerBytes(config *pilot.Config, port uint32) []byte {
	for _, l := range config.Listeners {
		if l.GetAddress().GetSocketAddress().GetPortValue() == port {
			return marshalListener(l)
		}
	}
	return nil
}

func marshalListener(l *listenerv3.Listener) []byte {
	raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(l)
	ExpectWithOffset(2, err).NotTo(HaveOccurred())
	return raw
}

// extensionConfig returns pilot's ECDS resource of that name, nil if pilot sends none.
func extensionConfig(config *pilot.Config, name string) proto.Message {
	for _, resource := range config.ExtensionConfigs {
		if resource.GetName() == name {
			return resource
		}
	}
	return nil
}
