// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter_test

import (
	"net/netip"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/pkg/exposure"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
)

var _ = Describe("Lockout safety", func() {
	// The sources that must keep access, one address of each.
	var (
		seedNode      = netip.MustParseAddr("10.250.3.4")
		seedPod       = netip.MustParseAddr("100.96.7.8")
		shootNode     = netip.MustParseAddr("10.180.1.2")
		shootEgress   = netip.MustParseAddr("198.51.100.10")
		infraEgress   = netip.MustParseAddr("198.51.100.77")
		managedEgress = netip.MustParseAddr("192.0.2.17")
		operatorVPN   = netip.MustParseAddr("172.16.5.5")
		outsider      = netip.MustParseAddr("203.0.113.200")
	)
	seed := &gardencorev1beta1.Seed{Spec: gardencorev1beta1.SeedSpec{Networks: gardencorev1beta1.SeedNetworks{Nodes: ptr.To("10.250.0.0/16"), Pods: "100.96.0.0/11", Services: "100.64.0.0/13"}}}
	shoot := func(hibernated bool) *gardencorev1beta1.Shoot {
		return &gardencorev1beta1.Shoot{
			Spec: gardencorev1beta1.ShootSpec{
				Networking:  &gardencorev1beta1.Networking{Nodes: ptr.To("10.180.0.0/16")},
				Provider:    gardencorev1beta1.Provider{Workers: []gardencorev1beta1.Worker{{Name: "pool"}}},
				Hibernation: &gardencorev1beta1.Hibernation{Enabled: ptr.To(hibernated)},
			},
			Status: gardencorev1beta1.ShootStatus{IsHibernated: hibernated, Networking: &gardencorev1beta1.NetworkingStatus{EgressCIDRs: []string{"198.51.100.10/32"}}},
		}
	}
	infrastructure := &extensionsv1alpha1.Infrastructure{Status: extensionsv1alpha1.InfrastructureStatus{EgressCIDRs: []string{"198.51.100.77/32"}}}
	shootInfo := &corev1.ConfigMap{Data: map[string]string{"egressCIDRs": "192.0.2.17/32"}}

	// admittedOnEveryPath evaluates the rendered filters on the shoot's SNI chain and its shared listener.
	admittedOnEveryPath := func(providerConfig string, hibernated bool, source netip.Addr) bool {
		result := validation.ValidateProviderConfig([]byte(providerConfig), nil, field.NewPath("providerConfig"), validation.DefaultLimits())
		Expect(result.Errors).To(BeEmpty())
		always, err := exposure.ReadAlwaysAllowed(exposure.Sources{
			Seed: seed, Shoot: shoot(hibernated), Infrastructure: infrastructure, SeedShootInfo: shootInfo, Additional: []string{"172.16.0.0/12"},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(always.EgressUnknown).To(BeFalse())
		filters, err := envoyfilter.RenderSeed(nil, envoyfilter.Input{
			TechnicalID: "shoot--dev--safe", Policy: result.Policy, AlwaysAllowed: always.Prefixes,
			Gateways: []envoyfilter.Gateway{{Namespace: "istio-ingress", Labels: map[string]string{"app": "gw"}, Chains: envoyfilter.ChainPerHost(envoyfilter.SNIListenerPort, "api.safe.example.com")}},
		})
		Expect(err).NotTo(HaveOccurred())

		admitted := true
		request := envoyrbac.Request{RemoteIP: source, Headers: map[string][]string{
			envoyfilter.HTTPProxyDestinationHeader: envoyfilter.Destinations("shoot--dev--safe")[:1],
		}}
		for _, inserted := range insertions(filters...) {
			admitted = admitted && allowedBy(inserted, request)
		}
		return admitted
	}

	DescribeTable("the seed, the shoot's nodes and egress, the managed seed's egress and the operator keep access, whatever the rules",
		func(providerConfig string) {
			for _, hibernated := range []bool{false, true} {
				for _, source := range []netip.Addr{seedNode, seedPod, shootNode, shootEgress, infraEgress, managedEgress, operatorVPN} {
					Expect(admittedOnEveryPath(providerConfig, hibernated, source)).To(BeTrue(), "source %s, hibernated %t", source, hibernated)
				}
				Expect(admittedOnEveryPath(providerConfig, hibernated, outsider)).To(BeFalse(), "the rules still hold for everybody else")
			}
		},
		Entry("legacy form, lower-case action", `{"rule":{"action":"allow","type":"remote_ip","cidrs":["192.0.2.128/25"]}}`),
		Entry("legacy form, upper-case action and type", `{"rule":{"action":"ALLOW","type":"REMOTE_IP","cidrs":["192.0.2.128/25"]}}`),
		Entry("everything denied", `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"DENY","cidrs":["0.0.0.0/0","::/0"]}]}`),
		Entry("DENY of the node and egress networks", `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[
			{"action":"ALLOW","cidrs":["10.0.0.0/8","198.51.100.0/24"]},{"action":"DENY","cidrs":["10.180.0.0/16","10.250.0.0/16","198.51.100.0/24","192.0.2.0/24"]}]}`),
		Entry("DENY of the seed's pod network and the operator range", `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[
			{"action":"ALLOW","cidrs":["2001:db8::/32"]},{"action":"DENY","cidrs":["100.64.0.0/10","172.16.0.0/12"]}]}`),
	)
})
