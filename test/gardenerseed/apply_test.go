// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package gardenerseed_test

import (
	"context"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

var _ = Describe("Apply", Ordered, func() {
	var (
		ctx     = context.Background()
		c       client.Client
		seed    = gardenerseed.Seed{WildcardCertificate: true}
		objects []client.Object
	)

	BeforeAll(func() {
		if os.Getenv(testenv.AssetsEnvVar) == "" {
			Skip("needs a kube-apiserver: run with " + testenv.AssetsEnvVar + "=$(hack/prepare-envtest.sh)")
		}
		c = testenv.StartSeedSuite(ctx).Client
		objects = append(istioObjects(seed), controlPlaneObjects(seed, gardenerseed.Shoot{})...)
	})

	It("creates the objects in a kube-apiserver with the seed CRDs, and updates them when applied again", func() {
		Expect(gardenerseed.Apply(ctx, c, objects)).To(Succeed())
		Expect(gardenerseed.Apply(ctx, c, objects)).To(Succeed())

		services := &corev1.ServiceList{}
		Expect(c.List(ctx, services, client.InNamespace("istio-ingress"))).To(Succeed())
		Expect(services.Items).To(ConsistOf(
			HaveField("ObjectMeta.Name", "istio-ingressgateway"),
			HaveField("ObjectMeta.Name", "istio-ingressgateway-internal"),
		))

		gateways := &istionetworkingv1beta1.GatewayList{}
		Expect(c.List(ctx, gateways, client.InNamespace("shoot--dev--web"))).To(Succeed())
		Expect(gateways.Items).To(ContainElement(HaveField("ObjectMeta.Name", "kube-apiserver")))
	})

	It("points the owner references of gardener's EnvoyFilters at the real control plane namespace", func() {
		namespace := &corev1.Namespace{}
		Expect(c.Get(ctx, client.ObjectKey{Name: "shoot--dev--web"}, namespace)).To(Succeed())
		filter := &istionetworkingv1alpha3.EnvoyFilter{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: "istio-ingress", Name: "shoot--dev--web-apiserver-proxy"}, filter)).To(Succeed())
		Expect(filter.OwnerReferences).To(ConsistOf(HaveField("UID", namespace.UID)))
	})
})
