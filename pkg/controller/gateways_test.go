// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"net/netip"
	"slices"

	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/envoyfilters"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/managedresourcedata"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

// extensionNamespace is the controller's own namespace in these tests.
const extensionNamespace = "extension-acl"

// sharedFilters returns the EnvoyFilters the shared ManagedResource of an ingress namespace holds, by name; nil when
// there is no such ManagedResource.
func sharedFilters(ctx context.Context, c client.Client, ingressNamespace string) map[string]*istionetworkingv1alpha3.EnvoyFilter {
	return managedFilters(ctx, c, client.ObjectKey{Namespace: extensionNamespace, Name: aclcontroller.SharedManagedResourceName(ingressNamespace)})
}

// managedFilters returns the EnvoyFilters a ManagedResource holds, by name; nil when there is no such ManagedResource.
func managedFilters(ctx context.Context, c client.Client, key client.ObjectKey) map[string]*istionetworkingv1alpha3.EnvoyFilter {
	managedResource := &resourcesv1alpha1.ManagedResource{}
	err := c.Get(ctx, key, managedResource)
	if apierrors.IsNotFound(err) {
		return nil
	}
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	filters := map[string]*istionetworkingv1alpha3.EnvoyFilter{}
	for _, ref := range managedResource.Spec.SecretRefs {
		secret := &corev1.Secret{}
		ExpectWithOffset(1, c.Get(ctx, client.ObjectKey{Namespace: key.Namespace, Name: ref.Name}, secret)).To(Succeed())
		decoded, err := managedresourcedata.EnvoyFilters(secret.Data)
		ExpectWithOffset(1, err).NotTo(HaveOccurred())
		for _, filter := range decoded {
			filters[filter.Name] = filter
		}
	}
	return filters
}

// admitsOnSharedListener evaluates the slot of a shoot's kube-apiserver destination on the HTTP proxy listener for a
// request from source.
func admitsOnSharedListener(filters map[string]*istionetworkingv1alpha3.EnvoyFilter, technicalID string, source netip.Addr) bool {
	slot := envoyfilter.SharedSlot{Form: 0, Shard: envoyfilter.Shard(technicalID)}
	filter := filters[envoyfilter.SharedFilterName(envoyfilter.HTTPProxyListenerPort, slot)]
	ExpectWithOffset(1, filter).NotTo(BeNil())
	ExpectWithOffset(1, filter.Spec.ConfigPatches).To(HaveLen(1))
	value := filter.Spec.ConfigPatches[0].Patch.Value.AsMap()
	typedConfig, _ := value["typed_config"].(map[string]any)
	config := &rbachttpv3.RBAC{}
	ExpectWithOffset(1, envoyfilters.Decode(typedConfig, config)).To(Succeed())
	allowed, err := envoyrbac.MatcherAllowed(config.GetMatcher(), envoyrbac.Request{
		RemoteIP: source, Headers: map[string][]string{envoyfilter.HTTPProxyDestinationHeader: {envoyfilter.Destinations(technicalID)[0]}},
	})
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return allowed
}

// objectCache keeps the seed objects gardener's code lays out, by shoot (the seed's istio objects under ""): building
// them takes seconds, applying them to a fake client does not.
var objectCache = map[string][]client.Object{}

func cachedObjects(key string, build func() ([]client.Object, error)) []client.Object {
	if objects, ok := objectCache[key]; ok {
		return objects
	}
	objects, err := build()
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	objectCache[key] = objects
	return objects
}

// created creates a shoot's control plane objects and its Extension, as the fixture does, from the cache.
func created(ctx context.Context, c client.Client, fixture testenv.ShootFixture) *extensionsv1alpha1.Extension {
	objects := cachedObjects(fixture.TechnicalID(), func() ([]client.Object, error) {
		return gardenerseed.ControlPlane(ctx, fixture.Seed, fixture.Shoot)
	})
	ExpectWithOffset(1, gardenerseed.Apply(ctx, c, objects)).To(Succeed())
	extension, err := fixture.CreateExtension(ctx, c)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return extension
}

var _ = Describe("The gateway reconciler", func() {
	const (
		ingressNamespace = "istio-ingress"
		typed            = `"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig"`
		allowOffice      = `{` + typed + `,"rules":[{"action":"ALLOW","cidrs":["192.0.2.0/24"]}]}`
		allowLab         = `{` + typed + `,"rules":[{"action":"ALLOW","cidrs":["198.51.100.0/24"]}]}`
		// The typed form without apiVersion and kind has no single meaning: the webhook and the actuator refuse it.
		invalid = `{"rules":[{"action":"ALLOW","cidrs":["192.0.2.0/24"]}]}`
	)
	var (
		office = netip.MustParseAddr("192.0.2.7")
		lab    = netip.MustParseAddr("198.51.100.7")
	)
	var (
		c          client.Client
		reconciler reconcile.Reconciler
		first      = testenv.ShootFixture{Shoot: gardenerseed.Shoot{Name: "first"}, ProviderConfig: allowOffice}
		second     = testenv.ShootFixture{Shoot: gardenerseed.Shoot{Name: "second"}, ProviderConfig: allowLab}
	)

	// enforced creates a shoot whose rules the actuator enforced before (it has a provider status).
	enforced := func(ctx context.Context, fixture testenv.ShootFixture) *extensionsv1alpha1.Extension {
		extension := created(ctx, c, fixture)
		extension.Status.ProviderStatus = &runtime.RawExtension{Raw: []byte(`{"hash":"enforced"}`)}
		Expect(c.Status().Update(ctx, extension)).To(Succeed())
		return extension
	}
	reconcileSeed := func(ctx context.Context) error {
		_, err := reconciler.Reconcile(ctx, reconcile.Request{})
		return err
	}
	setRules := func(ctx context.Context, extension *extensionsv1alpha1.Extension, providerConfig string) {
		extension.Spec.ProviderConfig = &runtime.RawExtension{Raw: []byte(providerConfig)}
		Expect(c.Update(ctx, extension)).To(Succeed())
	}

	BeforeEach(func(ctx context.Context) {
		c = fake.NewClientBuilder().WithScheme(kubernetes.SeedScheme).WithStatusSubresource(&extensionsv1alpha1.Extension{}).Build()
		Expect(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: extensionNamespace}})).To(Succeed())
		Expect(gardenerseed.Apply(ctx, c, cachedObjects("", func() ([]client.Object, error) { return gardenerseed.Istio(ctx, gardenerseed.Seed{}) }))).To(Succeed())
		reconciler = aclcontroller.NewGatewayReconciler(c, aclcontroller.Config{Limits: validation.DefaultLimits(), Namespace: extensionNamespace})
	})

	It("puts every ACL shoot of an ingress gateway into its slots", func(ctx context.Context) {
		enforced(ctx, first)
		enforced(ctx, second)
		Expect(reconcileSeed(ctx)).To(Succeed())

		filters := sharedFilters(ctx, c, ingressNamespace)
		Expect(filters).To(HaveKey(envoyfilter.SharedFiltersName))
		Expect(filters).To(HaveLen(1 + 2*len(envoyfilter.SharedSlots())))
		Expect(admitsOnSharedListener(filters, first.TechnicalID(), office)).To(BeTrue())
		Expect(admitsOnSharedListener(filters, first.TechnicalID(), lab)).To(BeFalse())
		Expect(admitsOnSharedListener(filters, second.TechnicalID(), lab)).To(BeTrue())
		Expect(admitsOnSharedListener(filters, second.TechnicalID(), office)).To(BeFalse())
	})

	It("keeps a gateway's rules while a shoot enforced before has invalid rules", func(ctx context.Context) {
		firstExtension := enforced(ctx, first)
		enforced(ctx, second)
		Expect(reconcileSeed(ctx)).To(Succeed())
		before := sharedFilters(ctx, c, ingressNamespace)

		setRules(ctx, firstExtension, invalid)
		secondExtension := &extensionsv1alpha1.Extension{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: second.TechnicalID(), Name: "acl"}, secondExtension)).To(Succeed())
		setRules(ctx, secondExtension, allowOffice)
		// Invalid rules are the owner's to fix: no retry, but nothing is written either.
		Expect(reconcileSeed(ctx)).To(Succeed())
		Expect(sharedFilters(ctx, c, ingressNamespace)).To(Equal(before))
		Expect(admitsOnSharedListener(before, first.TechnicalID(), lab)).To(BeFalse())

		setRules(ctx, firstExtension, allowOffice)
		Expect(reconcileSeed(ctx)).To(Succeed())
		after := sharedFilters(ctx, c, ingressNamespace)
		Expect(admitsOnSharedListener(after, second.TechnicalID(), office)).To(BeTrue())
		Expect(after[envoyfilter.SharedFiltersName]).To(Equal(before[envoyfilter.SharedFiltersName]))
	})

	It("leaves a shoot out whose rules were never enforced", func(ctx context.Context) {
		enforced(ctx, first)
		never := testenv.ShootFixture{Shoot: gardenerseed.Shoot{Name: "never"}, ProviderConfig: invalid}
		created(ctx, c, never)
		Expect(reconcileSeed(ctx)).To(Succeed())

		filters := sharedFilters(ctx, c, ingressNamespace)
		Expect(admitsOnSharedListener(filters, first.TechnicalID(), lab)).To(BeFalse())
		Expect(admitsOnSharedListener(filters, never.TechnicalID(), lab)).To(BeTrue())
	})

	It("holds the gateways of a shoot enforced before whose input cannot be read, and retries", func(ctx context.Context) {
		enforced(ctx, first)
		Expect(reconcileSeed(ctx)).To(Succeed())
		before := sharedFilters(ctx, c, ingressNamespace)

		enforced(ctx, second)
		// The Cluster of a shoot enforced before is gone: its gateways are known, its admitted sources are not.
		Expect(c.Delete(ctx, &extensionsv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: first.TechnicalID()}})).To(Succeed())
		Expect(reconcileSeed(ctx)).To(MatchError(ContainSubstring("failed to get the Cluster")))
		Expect(sharedFilters(ctx, c, ingressNamespace)).To(Equal(before), "the held gateway must not take the new shoot without the old one")
	})

	It("keeps migrated shoots until their Extension goes, and keeps the gateway's slots, empty, after the last shoot", func(ctx context.Context) {
		firstExtension := enforced(ctx, first)
		secondExtension := enforced(ctx, second)
		Expect(reconcileSeed(ctx)).To(Succeed())

		secondExtension.Status.LastOperation = &gardencorev1beta1.LastOperation{Type: gardencorev1beta1.LastOperationTypeMigrate, State: gardencorev1beta1.LastOperationStateSucceeded}
		Expect(c.Status().Update(ctx, secondExtension)).To(Succeed())
		Expect(reconcileSeed(ctx)).To(Succeed())
		filters := sharedFilters(ctx, c, ingressNamespace)
		Expect(admitsOnSharedListener(filters, second.TechnicalID(), office)).To(BeFalse(), "a migrated shoot's kube-apiserver still runs here until gardener deletes its Extension")

		secondExtension.Finalizers = []string{"extensions.gardener.cloud/acl"}
		Expect(c.Update(ctx, secondExtension)).To(Succeed())
		Expect(c.Delete(ctx, secondExtension)).To(Succeed())
		Expect(reconcileSeed(ctx)).To(Succeed())
		filters = sharedFilters(ctx, c, ingressNamespace)
		Expect(admitsOnSharedListener(filters, second.TechnicalID(), office)).To(BeTrue(), "a shoot whose Extension is deleted leaves the slots")
		Expect(admitsOnSharedListener(filters, first.TechnicalID(), lab)).To(BeFalse())

		before := sharedFilters(ctx, c, ingressNamespace)
		firstExtension.Finalizers = []string{"extensions.gardener.cloud/acl"}
		Expect(c.Update(ctx, firstExtension)).To(Succeed())
		Expect(c.Delete(ctx, firstExtension)).To(Succeed())
		Expect(reconcileSeed(ctx)).To(Succeed())
		after := sharedFilters(ctx, c, ingressNamespace)
		// Removing the slots would change the gateway's shared listeners and drain every tunnel on them.
		Expect(after[envoyfilter.SharedFiltersName]).To(Equal(before[envoyfilter.SharedFiltersName]))
		Expect(admitsOnSharedListener(after, first.TechnicalID(), lab)).To(BeTrue(), "empty slots admit everything")
	})

	It("gives every ingress gateway its slots before its first ACL shoot, and removes them with the gateway", func(ctx context.Context) {
		Expect(reconcileSeed(ctx)).To(Succeed())
		empty := sharedFilters(ctx, c, ingressNamespace)
		Expect(empty).To(HaveKey(envoyfilter.SharedFiltersName))
		Expect(empty).To(HaveLen(1 + 2*len(envoyfilter.SharedSlots())))
		Expect(admitsOnSharedListener(empty, first.TechnicalID(), lab)).To(BeTrue())

		enforced(ctx, first)
		Expect(reconcileSeed(ctx)).To(Succeed())
		withShoot := sharedFilters(ctx, c, ingressNamespace)
		Expect(withShoot[envoyfilter.SharedFiltersName]).To(Equal(empty[envoyfilter.SharedFiltersName]), "the first ACL shoot changes only the slots' configurations")
		Expect(admitsOnSharedListener(withShoot, first.TechnicalID(), lab)).To(BeFalse())

		deployments := &appsv1.DeploymentList{}
		Expect(c.List(ctx, deployments, client.InNamespace(ingressNamespace))).To(Succeed())
		Expect(deployments.Items).NotTo(BeEmpty())
		for i := range deployments.Items {
			Expect(c.Delete(ctx, &deployments.Items[i])).To(Succeed())
		}
		// The shoot's Gateway now has no ingress gateway: its input cannot be computed, so its gateways are held
		// until it is gone too.
		Expect(c.Delete(ctx, &extensionsv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Namespace: first.TechnicalID(), Name: "acl"}})).To(Succeed())
		Expect(reconcileSeed(ctx)).To(Succeed())
		Expect(sharedFilters(ctx, c, ingressNamespace)).To(BeNil())
	})

	It("writes nothing when nothing changed", func(ctx context.Context) {
		enforced(ctx, first)
		enforced(ctx, second)
		Expect(reconcileSeed(ctx)).To(Succeed())
		versions := func() []string {
			var result []string
			managedResources := &resourcesv1alpha1.ManagedResourceList{}
			Expect(c.List(ctx, managedResources, client.InNamespace(extensionNamespace))).To(Succeed())
			secrets := &corev1.SecretList{}
			Expect(c.List(ctx, secrets, client.InNamespace(extensionNamespace))).To(Succeed())
			for _, managedResource := range managedResources.Items {
				result = append(result, managedResource.Name+"="+managedResource.ResourceVersion)
			}
			for _, secret := range secrets.Items {
				result = append(result, secret.Name+"="+secret.ResourceVersion)
			}
			slices.Sort(result)
			return result
		}
		before := versions()
		Expect(before).To(HaveLen(1+1+envoyfilter.SharedListenerShards), "the ManagedResource and a secret per group of envoyfilter.RenderSharedGroups")
		Expect(reconcileSeed(ctx)).To(Succeed())
		Expect(versions()).To(Equal(before))
	})
})
