// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package seed_test

import (
	"context"
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/policytest"
)

var _ = Describe("Rendered EnvoyFilters", func() {
	It("are accepted by the istio CRD schema of the seed and read back unchanged", func(ctx context.Context) {
		compiled, err := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeDirectRemoteIP, Rules: []acl.Rule{
			{Action: acl.ActionAllow, CIDRs: []string{"198.51.100.0/24", "2001:db8::/32"}},
		}})
		Expect(err).NotTo(HaveOccurred())

		var gateways []envoyfilter.Gateway
		for _, name := range []string{"istio-ingress", "istio-ingress--zone-b"} {
			Expect(client.IgnoreAlreadyExists(seed.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}))).To(Succeed())
			gateways = append(gateways, envoyfilter.Gateway{
				Namespace: name, Labels: map[string]string{"app": "istio-ingressgateway"},
				Chains: envoyfilter.ChainPerHost(envoyfilter.SNIListenerPort, "api.render.dev.example.com"), LegacyVPNListenerPort: 8132,
			})
		}
		filters, err := envoyfilter.Render(envoyfilter.Input{
			TechnicalID:   "shoot--dev--render",
			Policy:        compiled,
			AlwaysAllowed: []netip.Prefix{netip.MustParsePrefix("10.250.0.0/16")},
			Gateways:      gateways,
		})
		Expect(err).NotTo(HaveOccurred())

		for _, filter := range filters {
			Expect(seed.Client.Create(ctx, filter)).To(Succeed())
			stored := &istionetworkingv1alpha3.EnvoyFilter{}
			Expect(seed.Client.Get(ctx, client.ObjectKeyFromObject(filter), stored)).To(Succeed())
			Expect(stored.Spec.ConfigPatches).To(HaveLen(len(filter.Spec.ConfigPatches)))
			for i := range filter.Spec.ConfigPatches {
				Expect(stored.Spec.ConfigPatches[i].Patch.Value.AsMap()).To(Equal(filter.Spec.ConfigPatches[i].Patch.Value.AsMap()))
				Expect(stored.Spec.ConfigPatches[i].Match.String()).To(Equal(filter.Spec.ConfigPatches[i].Match.String()))
			}
		}
	})
})
