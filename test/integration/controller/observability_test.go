// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"time"

	rbacnetworkv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	v1beta1constants "github.com/gardener/gardener/pkg/apis/core/v1beta1/constants"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/envoyfilters"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

var _ = Describe("The seed's observability ingress through nginx", Ordered, func() {
	const ingress = "istio-ingress"
	// A shoot of purpose testing has no observability components of gardener v1.150 (no plutono or prometheus
	// Gateways), so the hosts below are served only by the Ingresses the specs create.
	watch := testenv.ShootFixture{Seed: seedLayout, Shoot: gardenerseed.Shoot{Name: "watch", HighAvailability: true, Purpose: gardencorev1beta1.ShootPurposeTesting},
		ProviderConfig: `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["192.0.2.0/24"]}}`}
	technicalID := watch.TechnicalID()
	// The nginx-ingress component passes the seed's wildcard ingress domain through to nginx (seedLayout.NginxIngress).
	chain := "*." + gardenerseed.DefaultIngressDomain
	plutonoHost, promHost := watch.Shoot.IngressHost(seedLayout, "gu"), watch.Shoot.IngressHost(seedLayout, "p")

	// slotHosts returns the server names the shoot's SNI shard restricts on the shared wildcard chain
	// (envoyfilter.SharedSNIMatcher's exact-match keys), and whether a connection from outside the rules to host is
	// refused there.
	slot := envoyfilter.SharedSNIFilterName(envoyfilter.SNIShard(technicalID))
	slotConfig := func(ctx context.Context, g Gomega) *rbacnetworkv3.RBAC {
		filter := &istionetworkingv1alpha3.EnvoyFilter{}
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ingress, Name: slot}, filter)).To(Succeed())
		g.Expect(filter.Spec.ConfigPatches).To(HaveLen(1))
		typedConfig, _ := filter.Spec.ConfigPatches[0].Patch.Value.AsMap()["typed_config"].(map[string]any)
		config := &rbacnetworkv3.RBAC{}
		g.Expect(envoyfilters.Decode(typedConfig, config)).To(Succeed())
		return config
	}
	slotHosts := func(ctx context.Context, g Gomega) []string {
		return slices.Sorted(maps.Keys(slotConfig(ctx, g).GetMatcher().GetMatcherTree().GetExactMatchMap().GetMap()))
	}
	refusedFromOutside := func(ctx context.Context, g Gomega, host string) bool {
		allowed, err := envoyrbac.MatcherAllowed(slotConfig(ctx, g).GetMatcher(), envoyrbac.Request{RemoteIP: netip.MustParseAddr("203.0.113.9"), ServerName: host})
		g.Expect(err).NotTo(HaveOccurred())
		return !allowed
	}
	// ownFilterOnChain tells whether the shoot's own EnvoyFilter still puts a filter into the shared wildcard chain: only
	// until the gateway's slots are applied.
	ownFilterOnChain := func(ctx context.Context, g Gomega) bool {
		filter := &istionetworkingv1alpha3.EnvoyFilter{}
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ingress, Name: envoyfilter.Name(technicalID)}, filter)).To(Succeed())
		return slices.ContainsFunc(filter.Spec.ConfigPatches, func(patch *istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch) bool {
			return patch.Match.GetListener().GetFilterChain().GetSni() == chain
		})
	}

	BeforeAll(func(ctx context.Context) {
		_, err := watch.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "garden", Name: "nginx-ingress-controller"}, &istionetworkingv1beta1.Gateway{})).To(Succeed())

		Eventually(func(g Gomega) { g.Expect(slotHosts(ctx, g)).To(BeEmpty()) }).WithTimeout(time.Minute).Should(Succeed(), "the gateway has the wildcard chain's slots before the shoot has a host there")
	})

	It("restricts the shoot's plutono host on the shared wildcard chain once its Ingress appears", func(ctx context.Context) {
		// Written by hand: gardener v1.150's components create no Ingress; before v1.141 plutono was exposed by an
		// Ingress of class nginx-ingress-gardener (v1beta1constants.SeedNginxIngressClass) like this one.
		Expect(c.Create(ctx, &networkingv1.Ingress{
			ObjectMeta: metav1.ObjectMeta{Name: "plutono", Namespace: technicalID},
			Spec: networkingv1.IngressSpec{
				IngressClassName: new(v1beta1constants.SeedNginxIngressClass),
				TLS:              []networkingv1.IngressTLS{{Hosts: []string{plutonoHost}}},
				Rules:            []networkingv1.IngressRule{{Host: plutonoHost}},
			},
		})).To(Succeed())

		Eventually(func(g Gomega) {
			g.Expect(slotHosts(ctx, g)).To(Equal([]string{plutonoHost}))
			g.Expect(refusedFromOutside(ctx, g, plutonoHost)).To(BeTrue())
			g.Expect(ownFilterOnChain(ctx, g)).To(BeFalse(), "the slots hold the host once applied")
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("follows a changed Ingress host", func(ctx context.Context) {
		plutono := &networkingv1.Ingress{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: technicalID, Name: "plutono"}, plutono)).To(Succeed())
		patch := client.MergeFrom(plutono.DeepCopy())
		plutono.Spec.Rules = append(plutono.Spec.Rules, networkingv1.IngressRule{Host: promHost})
		Expect(c.Patch(ctx, plutono, patch)).To(Succeed())

		Eventually(func(g Gomega) {
			g.Expect(slotHosts(ctx, g)).To(Equal([]string{plutonoHost, promHost}))
			g.Expect(refusedFromOutside(ctx, g, strings.ToUpper(promHost))).To(BeTrue())
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("removes the restriction from the shared chain when the shoot has no observability Ingress left", func(ctx context.Context) {
		Expect(c.Delete(ctx, &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "plutono", Namespace: technicalID}})).To(Succeed())
		Eventually(func(g Gomega) { g.Expect(slotHosts(ctx, g)).To(BeEmpty()) }).WithTimeout(time.Minute).Should(Succeed(), "the gateway has the wildcard chain's slots before the shoot has a host there")
	})
})
