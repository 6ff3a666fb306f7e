// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"net/netip"

	"github.com/gardener/gardener/pkg/client/kubernetes"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
)

var _ = Describe("The orphan reconciler", func() {
	const ingressNamespace = "istio-ingress"
	officeOnly, err := policy.Build(acl.PrincipalTypeRemoteIP, policy.Entries{Allow: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, HasAllowRule: true})
	Expect(err).NotTo(HaveOccurred())

	// deployed returns the EnvoyFilter envoyfilter.Render gives a shoot on the gateway of ingressNamespace, as
	// gardener-resource-manager applies it.
	deployed := func(technicalID string) *istionetworkingv1alpha3.EnvoyFilter {
		rendered, err := envoyfilter.Render(envoyfilter.Input{
			TechnicalID: technicalID,
			Policy:      officeOnly,
			Gateways: []envoyfilter.Gateway{{
				Namespace: ingressNamespace, Labels: map[string]string{"app": "istio-ingressgateway"},
				Chains: envoyfilter.ChainPerHost(envoyfilter.SNIListenerPort, "api."+technicalID+".example.com"),
			}},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(rendered).To(HaveLen(1))
		return rendered[0]
	}
	exists := func(ctx context.Context, c client.Client, namespace, name string) bool {
		err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, &istionetworkingv1alpha3.EnvoyFilter{})
		Expect(client.IgnoreNotFound(err)).To(Succeed())
		return !apierrors.IsNotFound(err)
	}

	It("deletes the EnvoyFilters of shoots whose control plane namespace is gone, and nothing else", func(ctx context.Context) {
		const staying, migrated = "shoot--garden--staying", "shoot--garden--migrated"
		ingressGateways := &istionetworkingv1alpha3.EnvoyFilter{ObjectMeta: metav1.ObjectMeta{Namespace: ingressNamespace, Name: envoyfilter.SharedFiltersName}}
		gardeners := &istionetworkingv1alpha3.EnvoyFilter{ObjectMeta: metav1.ObjectMeta{Namespace: ingressNamespace, Name: "proxy-protocol"}}
		c := fake.NewClientBuilder().WithScheme(kubernetes.SeedScheme).WithObjects(
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ingressNamespace}},
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: staying}},
			deployed(staying), deployed(migrated), ingressGateways, gardeners,
		).Build()

		_, err := aclcontroller.NewOrphanReconciler(c, c).Reconcile(ctx, reconcile.Request{})
		Expect(err).NotTo(HaveOccurred())
		Expect(exists(ctx, c, ingressNamespace, envoyfilter.Name(migrated))).To(BeFalse())
		Expect(exists(ctx, c, ingressNamespace, envoyfilter.Name(staying))).To(BeTrue())
		Expect(exists(ctx, c, ingressNamespace, envoyfilter.SharedFiltersName)).To(BeTrue(), "the shared filters belong to no shoot")
		Expect(exists(ctx, c, ingressNamespace, "proxy-protocol")).To(BeTrue(), "gardener's own filters are not the controller's")
	})

	It("sends no write when no shoot has left", func(ctx context.Context) {
		const staying = "shoot--garden--staying"
		c := fake.NewClientBuilder().WithScheme(kubernetes.SeedScheme).WithObjects(
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: staying}}, deployed(staying),
		).Build()
		before := &istionetworkingv1alpha3.EnvoyFilter{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: ingressNamespace, Name: envoyfilter.Name(staying)}, before)).To(Succeed())

		_, err := aclcontroller.NewOrphanReconciler(c, nil).Reconcile(ctx, reconcile.Request{})
		Expect(err).NotTo(HaveOccurred(), "a nil writer would panic on a write")
		Expect(exists(ctx, c, ingressNamespace, envoyfilter.Name(staying))).To(BeTrue())
	})
})
