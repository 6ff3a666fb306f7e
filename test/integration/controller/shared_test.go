// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"sync/atomic"
	"time"

	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	v1beta1helper "github.com/gardener/gardener/pkg/api/core/v1beta1/helper"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/envoyfilters"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

// slotName matches the names of the EnvoyFilters that hold a slot's configuration (envoyfilter.SharedFilterName).
var slotName = regexp.MustCompile(`^acl-[0-9]+-f[0-9]+-s[0-9]+$`)

var _ = Describe("The shared listeners of an ingress gateway", Ordered, func() {
	const (
		zoneIngress = "istio-ingress--b"
		typed       = `"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig"`
	)
	var (
		office  = netip.MustParseAddr("192.0.2.7")
		lab     = netip.MustParseAddr("198.51.100.7")
		partner = netip.MustParseAddr("203.0.113.7")
	)
	allow := func(cidr string) string {
		return `{` + typed + `,"rules":[{"action":"ALLOW","cidrs":["` + cidr + `"]}]}`
	}
	inZoneB := func(name, providerConfig string) testenv.ShootFixture {
		return testenv.ShootFixture{Seed: seedLayout, Shoot: gardenerseed.Shoot{Name: name, Zone: "b"}, ProviderConfig: providerConfig}
	}
	alpha, beta := inZoneB("alpha", allow("192.0.2.0/24")), inZoneB("beta", allow("198.51.100.0/24"))
	var alphaExtension, betaExtension *extensionsv1alpha1.Extension

	// sharedFilters returns the EnvoyFilters gardener-resource-manager applied into the ingress namespace from the shared
	// ManagedResource, by name.
	sharedFilters := func(ctx context.Context, g Gomega) map[string]*istionetworkingv1alpha3.EnvoyFilter {
		filters := map[string]*istionetworkingv1alpha3.EnvoyFilter{}
		list := &istionetworkingv1alpha3.EnvoyFilterList{}
		g.Expect(c.List(ctx, list, client.InNamespace(zoneIngress))).To(Succeed())
		for _, filter := range list.Items {
			if filter.Name == envoyfilter.SharedFiltersName || slotName.MatchString(filter.Name) {
				filters[filter.Name] = filter
			}
		}
		return filters
	}
	// admits evaluates the slot of a shoot's kube-apiserver destination on the HTTP proxy listener.
	admits := func(g Gomega, filters map[string]*istionetworkingv1alpha3.EnvoyFilter, technicalID string, source netip.Addr) bool {
		name := envoyfilter.SharedFilterName(envoyfilter.HTTPProxyListenerPort, envoyfilter.SharedSlot{Form: 0, Shard: envoyfilter.Shard(technicalID)})
		filter := filters[name]
		g.Expect(filter).NotTo(BeNil(), "no EnvoyFilter %s", name)
		g.Expect(filter.Spec.ConfigPatches).To(HaveLen(1))
		typedConfig, _ := filter.Spec.ConfigPatches[0].Patch.Value.AsMap()["typed_config"].(map[string]any)
		config := &rbachttpv3.RBAC{}
		g.Expect(envoyfilters.Decode(typedConfig, config)).To(Succeed())
		allowed, err := envoyrbac.MatcherAllowed(config.GetMatcher(), envoyrbac.Request{
			RemoteIP: source, Headers: map[string][]string{envoyfilter.HTTPProxyDestinationHeader: {envoyfilter.Destinations(technicalID)[0]}},
		})
		g.Expect(err).NotTo(HaveOccurred())
		return allowed
	}
	// applied waits for gardener-resource-manager to have applied the latest content of the shared ManagedResource
	// completely: it applies the objects one by one.
	applied := func(ctx context.Context, g Gomega) {
		managedResource := &resourcesv1alpha1.ManagedResource{}
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: extensionNamespace, Name: aclcontroller.SharedManagedResourceName(zoneIngress)}, managedResource)).To(Succeed())
		g.Expect(managedResource.Status.ObservedGeneration).To(Equal(managedResource.Generation))
		condition := v1beta1helper.GetCondition(managedResource.Status.Conditions, resourcesv1alpha1.ResourcesApplied)
		g.Expect(condition).NotTo(BeNil())
		g.Expect(condition.Status).To(Equal(gardencorev1beta1.ConditionTrue))
	}
	specOf := func(g Gomega, filter *istionetworkingv1alpha3.EnvoyFilter) string {
		raw, err := json.Marshal(&filter.Spec)
		g.Expect(err).NotTo(HaveOccurred())
		return string(raw)
	}

	BeforeAll(func(ctx context.Context) {
		gateway, err := alpha.IngressGateway(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(gateway.Namespace).To(Equal(zoneIngress))
		alphaExtension, err = alpha.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())
		betaExtension, err = beta.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())
	})

	It("puts both shoots into the slots of their gateway", func(ctx context.Context) {
		Eventually(func(g Gomega) {
			filters := sharedFilters(ctx, g)
			g.Expect(filters).To(HaveKey(envoyfilter.SharedFiltersName))
			g.Expect(admits(g, filters, alpha.TechnicalID(), office)).To(BeTrue())
			g.Expect(admits(g, filters, alpha.TechnicalID(), lab)).To(BeFalse())
			g.Expect(admits(g, filters, beta.TechnicalID(), lab)).To(BeTrue())
			g.Expect(admits(g, filters, beta.TechnicalID(), office)).To(BeFalse())
			applied(ctx, g)
		}).WithTimeout(time.Minute).Should(Succeed())
	})

	It("changes only the slots of the shoot whose rules change", func(ctx context.Context) {
		before := sharedFilters(ctx, Default)
		Expect(c.Get(ctx, client.ObjectKeyFromObject(alphaExtension), alphaExtension)).To(Succeed())
		alphaExtension.Spec.ProviderConfig = &runtime.RawExtension{Raw: []byte(allow("203.0.113.0/24"))}
		Expect(c.Update(ctx, alphaExtension)).To(Succeed())

		var after map[string]*istionetworkingv1alpha3.EnvoyFilter
		Eventually(func(g Gomega) {
			after = sharedFilters(ctx, g)
			g.Expect(admits(g, after, alpha.TechnicalID(), partner)).To(BeTrue())
			g.Expect(admits(g, after, alpha.TechnicalID(), office)).To(BeFalse())
			applied(ctx, g)
		}).WithTimeout(time.Minute).Should(Succeed())
		after = sharedFilters(ctx, Default)

		Expect(after).To(HaveLen(len(before)))
		Expect(after[envoyfilter.SharedFiltersName].ResourceVersion).To(Equal(before[envoyfilter.SharedFiltersName].ResourceVersion))
		Expect(specOf(Default, after[envoyfilter.SharedFiltersName])).To(Equal(specOf(Default, before[envoyfilter.SharedFiltersName])))
		var changed []string
		for name, filter := range after {
			if specOf(Default, filter) != specOf(Default, before[name]) {
				changed = append(changed, name)
			}
		}
		var alphaSlots []string
		for _, port := range []uint32{envoyfilter.HTTPProxyListenerPort, 8132} {
			for form := range envoyfilter.Destinations("") {
				name := envoyfilter.SharedFilterName(port, envoyfilter.SharedSlot{Form: form, Shard: envoyfilter.Shard(alpha.TechnicalID())})
				if _, ok := before[name]; ok || port == envoyfilter.HTTPProxyListenerPort {
					alphaSlots = append(alphaSlots, name)
				}
			}
		}
		Expect(changed).To(ConsistOf(alphaSlots), "exactly alpha's slots change, one per shared listener and destination form")
		Expect(admits(Default, after, beta.TechnicalID(), lab)).To(BeTrue())
		Expect(admits(Default, after, beta.TechnicalID(), office)).To(BeFalse())
	})

	It("writes nothing when a reconcile, e.g. after a restart, finds nothing changed", func(ctx context.Context) {
		var writes atomic.Int32
		var written []string
		count := func(obj client.Object) {
			writes.Add(1)
			written = append(written, fmt.Sprintf("%T %s", obj, client.ObjectKeyFromObject(obj)))
		}
		direct, err := client.NewWithWatch(seed.Config, client.Options{Scheme: kubernetes.SeedScheme})
		Expect(err).NotTo(HaveOccurred())
		observed := interceptor.NewClient(direct, interceptor.Funcs{
			Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
				err := c.Create(ctx, obj, opts...)
				if err == nil {
					count(obj)
				}
				return err
			},
			Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
				before := obj.GetResourceVersion()
				err := c.Update(ctx, obj, opts...)
				if err == nil && obj.GetResourceVersion() != before {
					count(obj)
				}
				return err
			},
			Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
				before := obj.GetResourceVersion()
				err := c.Patch(ctx, obj, patch, opts...)
				if err == nil && obj.GetResourceVersion() != before {
					count(obj)
				}
				return err
			},
			Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
				err := c.Delete(ctx, obj, opts...)
				if err == nil {
					count(obj)
				}
				return err
			},
		})
		// A new reconciler has no memory of what it wrote, as after a restart of the controller.
		restarted := aclcontroller.NewGatewayReconciler(observed, controllerConfig)
		Eventually(func(g Gomega) {
			// Until the running controllers are done with the previous spec, the seed may still be changing.
			writes.Store(0)
			written = nil
			_, err := restarted.Reconcile(ctx, reconcile.Request{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(writes.Load()).To(BeZero(), "a reconcile that changes nothing changed %v", written)
		}).WithTimeout(20 * time.Second).Should(Succeed())
	})

	It("takes a deleted shoot out of the slots", func(ctx context.Context) {
		Expect(c.Delete(ctx, betaExtension)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKeyFromObject(betaExtension), &extensionsv1alpha1.Extension{}))).To(BeTrue())
			filters := sharedFilters(ctx, g)
			g.Expect(admits(g, filters, beta.TechnicalID(), office)).To(BeTrue(), "beta's requests are nobody's now")
			g.Expect(admits(g, filters, alpha.TechnicalID(), partner)).To(BeTrue())
			g.Expect(admits(g, filters, alpha.TechnicalID(), lab)).To(BeFalse())
		}).WithTimeout(time.Minute).Should(Succeed())
	})
})
