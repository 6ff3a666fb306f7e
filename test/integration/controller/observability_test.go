// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istioapinetworkingv1beta1 "istio.io/api/networking/v1beta1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

var _ = Describe("The seed's observability ingress", Ordered, func() {
	const (
		technicalID = "shoot--dev--watch"
		ingress     = "istio-ingress-observability"
		chain       = "*.ingress.local.seed.example.com"
		plutonoHost = "gu-dev--watch.ingress.local.seed.example.com"
		promHost    = "p-dev--watch.ingress.local.seed.example.com"
	)
	labels := map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway-observability"}

	// ownHostsOnChain returns the server names the shoot's filter restricts on the shared wildcard chain, nil when
	// it has no patch for that chain.
	ownHostsOnChain := func(ctx context.Context, g Gomega) []string {
		filter := &istionetworkingv1alpha3.EnvoyFilter{}
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ingress, Name: "acl-" + technicalID}, filter)).To(Succeed())
		for _, patch := range filter.Spec.ConfigPatches {
			if patch.Match.GetListener().GetFilterChain().GetSni() != chain {
				continue
			}
			policies := patch.Patch.Value.AsMap()["typed_config"].(map[string]any)["rules"].(map[string]any)["policies"].(map[string]any)
			rules := policies["acl-other-shoots"].(map[string]any)["permissions"].([]any)[0].(map[string]any)["not_rule"].(map[string]any)["or_rules"].(map[string]any)["rules"].([]any)
			var hosts []string
			for _, rule := range rules {
				hosts = append(hosts, rule.(map[string]any)["requested_server_name"].(map[string]any)["exact"].(string))
			}
			return hosts
		}
		return nil
	}

	BeforeAll(func(ctx context.Context) {
		_, err := testenv.ShootFixture{TechnicalID: technicalID, IngressNamespace: ingress, Host: "api.watch.dev.example.com", IngressLabels: labels,
			ProviderConfig: `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["192.0.2.0/24"]}}`}.Create(ctx, c)
		Expect(err).NotTo(HaveOccurred())
		Expect(client.IgnoreAlreadyExists(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "garden"}}))).To(Succeed())
		// As gardener's nginx-ingress component creates it: TLS passthrough of the seed's ingress domain.
		Expect(c.Create(ctx, &istionetworkingv1beta1.Gateway{
			ObjectMeta: metav1.ObjectMeta{Name: "nginx-ingress-controller", Namespace: "garden"},
			Spec: istioapinetworkingv1beta1.Gateway{Selector: labels, Servers: []*istioapinetworkingv1beta1.Server{{
				Hosts: []string{chain},
				Port:  &istioapinetworkingv1beta1.Port{Number: 443, Name: "tls", Protocol: "TLS"},
				Tls:   &istioapinetworkingv1beta1.ServerTLSSettings{Mode: istioapinetworkingv1beta1.ServerTLSSettings_PASSTHROUGH},
			}}},
		})).To(Succeed())

		Eventually(func(g Gomega) { g.Expect(ownHostsOnChain(ctx, g)).To(BeNil()) }).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("restricts the shoot's plutono host on the shared wildcard chain once its Ingress appears", func(ctx context.Context) {
		Expect(c.Create(ctx, &networkingv1.Ingress{
			ObjectMeta: metav1.ObjectMeta{Name: "plutono", Namespace: technicalID},
			Spec: networkingv1.IngressSpec{
				IngressClassName: new("nginx-ingress-gardener"),
				TLS:              []networkingv1.IngressTLS{{Hosts: []string{plutonoHost}}},
				Rules:            []networkingv1.IngressRule{{Host: plutonoHost}},
			},
		})).To(Succeed())

		Eventually(func(g Gomega) { g.Expect(ownHostsOnChain(ctx, g)).To(Equal([]string{plutonoHost})) }).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("follows a changed Ingress host", func(ctx context.Context) {
		plutono := &networkingv1.Ingress{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: technicalID, Name: "plutono"}, plutono)).To(Succeed())
		patch := client.MergeFrom(plutono.DeepCopy())
		plutono.Spec.Rules = append(plutono.Spec.Rules, networkingv1.IngressRule{Host: promHost})
		Expect(c.Patch(ctx, plutono, patch)).To(Succeed())

		Eventually(func(g Gomega) { g.Expect(ownHostsOnChain(ctx, g)).To(Equal([]string{plutonoHost, promHost})) }).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("removes the restriction from the shared chain when the shoot has no observability Ingress left", func(ctx context.Context) {
		Expect(c.Delete(ctx, &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "plutono", Namespace: technicalID}})).To(Succeed())
		Eventually(func(g Gomega) { g.Expect(ownHostsOnChain(ctx, g)).To(BeNil()) }).WithTimeout(30 * time.Second).Should(Succeed())
	})
})
