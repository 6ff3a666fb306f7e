// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"strings"
	"time"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	"github.com/go-logr/logr"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

// markApplied writes what gardener-resource-manager writes once it applied every object of a shared ManagedResource:
// their references and the condition (updateManagedResourceStatus in
// pkg/resourcemanager/controller/managedresource/reconciler.go, gardener v1.150.0).
func markApplied(ctx context.Context, c client.Client, managedResource *resourcesv1alpha1.ManagedResource, ingressNamespace string, names ...string) {
	managedResource.Status.Resources = nil
	for _, name := range names {
		managedResource.Status.Resources = append(managedResource.Status.Resources, resourcesv1alpha1.ObjectReference{ObjectReference: corev1.ObjectReference{
			APIVersion: "networking.istio.io/v1alpha3", Kind: "EnvoyFilter", Namespace: ingressNamespace, Name: name,
		}})
	}
	managedResource.Status.Conditions = []gardencorev1beta1.Condition{{Type: resourcesv1alpha1.ResourcesApplied, Status: gardencorev1beta1.ConditionTrue, LastUpdateTime: metav1.NewTime(time.Now())}}
	ExpectWithOffset(1, c.Status().Update(ctx, managedResource)).To(Succeed())
}

var _ = Describe("The actuator on the shared listeners", func() {
	const ingressNamespace = "istio-ingress"
	shoot := testenv.ShootFixture{Shoot: gardenerseed.Shoot{Name: "first"}, ProviderConfig: `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["192.0.2.0/24"]}}`}
	config := aclcontroller.Config{Limits: validation.DefaultLimits(), Namespace: extensionNamespace}

	It("keeps the shoot's own filters in a gateway's shared listeners exactly until the gateway's slots are applied", func(ctx context.Context) {
		c := fake.NewClientBuilder().WithScheme(kubernetes.SeedScheme).WithStatusSubresource(&extensionsv1alpha1.Extension{}, &resourcesv1alpha1.ManagedResource{}).Build()
		Expect(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: extensionNamespace}})).To(Succeed())
		Expect(gardenerseed.Apply(ctx, c, cachedObjects("", func() ([]client.Object, error) { return gardenerseed.Istio(ctx, gardenerseed.Seed{}) }))).To(Succeed())
		extension := created(ctx, c, shoot)
		actuator := aclcontroller.NewActuator(c, &events.FakeRecorder{}, config)
		// inline tells whether the shoot's own EnvoyFilter on the gateway holds filters in its shared listeners.
		inline := func() bool {
			Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
			Expect(actuator.Reconcile(ctx, logr.Discard(), extension)).To(Succeed())
			own := managedFilters(ctx, c, client.ObjectKey{Namespace: shoot.TechnicalID(), Name: constants.ManagedResourceName})[envoyfilter.Name(shoot.TechnicalID())]
			Expect(own).NotTo(BeNil())
			for _, patch := range own.Spec.ConfigPatches {
				if patch.ApplyTo == istioapinetworkingv1alpha3.EnvoyFilter_HTTP_FILTER {
					return true
				}
			}
			return false
		}

		Expect(inline()).To(BeTrue(), "no shared ManagedResource")
		_, err := aclcontroller.NewGatewayReconciler(c, config).Reconcile(ctx, reconcile.Request{})
		Expect(err).NotTo(HaveOccurred())
		Expect(inline()).To(BeTrue(), "written, not yet applied by gardener-resource-manager")

		managedResource := &resourcesv1alpha1.ManagedResource{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: extensionNamespace, Name: aclcontroller.SharedManagedResourceName(ingressNamespace)}, managedResource)).To(Succeed())
		applied := func(names ...string) { markApplied(ctx, c, managedResource, ingressNamespace, names...) }
		applied(envoyfilter.SharedFilterName(envoyfilter.HTTPProxyListenerPort, envoyfilter.SharedSlot{}))
		Expect(inline()).To(BeTrue(), "an applied ManagedResource without the insertions is not the slots")
		applied(envoyfilter.SharedFiltersName)
		Expect(inline()).To(BeFalse(), "the slots are applied")

		managedResource.Finalizers = []string{"resources.gardener.cloud/gardener-resource-manager"}
		Expect(c.Update(ctx, managedResource)).To(Succeed())
		Expect(c.Delete(ctx, managedResource)).To(Succeed())
		Expect(inline()).To(BeTrue(), "the slots are about to go")
	})

	It("keeps the shoot's own filter in the nginx wildcard chain until its SNI shard's configuration is applied too", func(ctx context.Context) {
		nginxSeed := gardenerseed.Seed{NginxIngress: true}
		observed := testenv.ShootFixture{Seed: nginxSeed, Shoot: gardenerseed.Shoot{Name: "observed"}, ProviderConfig: shoot.ProviderConfig}
		c := fake.NewClientBuilder().WithScheme(kubernetes.SeedScheme).WithStatusSubresource(&extensionsv1alpha1.Extension{}, &resourcesv1alpha1.ManagedResource{}).Build()
		Expect(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: extensionNamespace}})).To(Succeed())
		Expect(gardenerseed.Apply(ctx, c, cachedObjects("nginx", func() ([]client.Object, error) { return gardenerseed.Istio(ctx, nginxSeed) }))).To(Succeed())
		extension := created(ctx, c, observed)
		// Gardener v1.150 creates no Ingress in a control plane namespace, but the seed's nginx serves any Ingress of
		// class nginx there (pkg/component/networking/nginxingress/nginxingress.go, gardener v1.150.0).
		host := observed.Shoot.IngressHost(nginxSeed, "p")
		Expect(c.Create(ctx, &networkingv1.Ingress{
			ObjectMeta: metav1.ObjectMeta{Namespace: observed.TechnicalID(), Name: "prometheus"},
			Spec:       networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: host}}},
		})).To(Succeed())
		actuator := aclcontroller.NewActuator(c, &events.FakeRecorder{}, config)
		// inline tells whether the shoot's own EnvoyFilter puts a filter into the wildcard chain.
		inline := func() bool {
			Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
			Expect(actuator.Reconcile(ctx, logr.Discard(), extension)).To(Succeed())
			own := managedFilters(ctx, c, client.ObjectKey{Namespace: observed.TechnicalID(), Name: constants.ManagedResourceName})[envoyfilter.Name(observed.TechnicalID())]
			Expect(own).NotTo(BeNil())
			for _, patch := range own.Spec.ConfigPatches {
				if patch.ApplyTo == istioapinetworkingv1alpha3.EnvoyFilter_NETWORK_FILTER && strings.HasPrefix(patch.Match.GetListener().GetFilterChain().GetSni(), "*.") {
					return true
				}
			}
			return false
		}

		Expect(inline()).To(BeTrue(), "no shared ManagedResource")
		_, err := aclcontroller.NewGatewayReconciler(c, config).Reconcile(ctx, reconcile.Request{})
		Expect(err).NotTo(HaveOccurred())
		managedResource := &resourcesv1alpha1.ManagedResource{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: extensionNamespace, Name: aclcontroller.SharedManagedResourceName(ingressNamespace)}, managedResource)).To(Succeed())
		Expect(managedFilters(ctx, c, client.ObjectKeyFromObject(managedResource))).To(HaveKey(envoyfilter.SharedSNIFilterName(envoyfilter.SNIShard(observed.TechnicalID()))),
			"the gateway reconciler renders the wildcard chain's slots")
		applied := func(names ...string) { markApplied(ctx, c, managedResource, ingressNamespace, names...) }
		applied(envoyfilter.SharedFiltersName)
		Expect(inline()).To(BeTrue(), "the shared listeners' slots alone do not hold the shoot's hosts")
		applied(envoyfilter.SharedFiltersName, envoyfilter.SharedSNIFilterName(envoyfilter.SNIShard(observed.TechnicalID())))
		Expect(inline()).To(BeFalse(), "the shoot's SNI shard is applied")
	})
})
