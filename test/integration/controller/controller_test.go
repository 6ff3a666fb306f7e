// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	aclv1alpha1 "github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/v1alpha1"
	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/test/envoyfilters"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/testenv"
)

const providerConfig = `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":["203.0.113.0/24","2001:db8:1::/48"]}]}`

// web is a highly available shoot: its kube-apiserver and its observability endpoints are all exposed on the seed's
// default ingress gateway.
var web = testenv.ShootFixture{Seed: seedLayout, Shoot: gardenerseed.Shoot{Name: "web", HighAvailability: true}, ProviderConfig: providerConfig}

const (
	ingressNS  = "istio-ingress"
	filterName = "acl-shoot--dev--web"
)

// sniMatches returns the server names the filter's patches select filter chains by, in patch order.
func sniMatches(filter *istionetworkingv1alpha3.EnvoyFilter) []string {
	var names []string
	for _, patch := range filter.Spec.ConfigPatches {
		if sni := patch.Match.GetListener().GetFilterChain().GetSni(); sni != "" {
			names = append(names, sni)
		}
	}
	return names
}

// sharedListenerPorts returns the ports of the listeners the filter patches without selecting a chain by server name.
func sharedListenerPorts(filter *istionetworkingv1alpha3.EnvoyFilter) []uint32 {
	var ports []uint32
	for _, inserted := range insertions(filter) {
		if inserted.Patch.Match.GetListener().GetFilterChain().GetSni() == "" {
			ports = append(ports, inserted.Patch.Match.GetListener().GetPortNumber())
		}
	}
	return ports
}

// insertions returns the filter's patches that insert filters, with the configurations Envoy runs.
func insertions(filter *istionetworkingv1alpha3.EnvoyFilter) []envoyfilters.Insertion {
	inserted, err := envoyfilters.Insertions(filter)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return inserted
}

// principalsOfFirstPatch returns the remote_ip address prefixes of the network RBAC filter of the first patch.
func principalsOfFirstPatch(filter *istionetworkingv1alpha3.EnvoyFilter) []string {
	policies := insertions(filter)[0].TypedConfig["rules"].(map[string]any)["policies"].(map[string]any)
	var prefixes []string
	for _, principal := range policies["acl-allowed-sources"].(map[string]any)["principals"].([]any) {
		remote := principal.(map[string]any)["remote_ip"].(map[string]any)
		prefixes = append(prefixes, remote["address_prefix"].(string))
	}
	return prefixes
}

// renderedPrefixesGauge reads the controller's gauge from controller-runtime's registry.
func renderedPrefixesGauge(namespace, family string) prometheus.Collector {
	families, err := metrics.Registry.Gather()
	Expect(err).NotTo(HaveOccurred())
	gauge := prometheus.NewGauge(prometheus.GaugeOpts{Name: "value"})
	for _, metricFamily := range families {
		if metricFamily.GetName() != "gardener_extension_acl_controller_rendered_prefixes" {
			continue
		}
		for _, metric := range metricFamily.GetMetric() {
			labels := map[string]string{}
			for _, label := range metric.GetLabel() {
				labels[label.GetName()] = label.GetValue()
			}
			if labels["shoot_namespace"] == namespace && labels["family"] == family {
				gauge.Set(metric.GetGauge().GetValue())
			}
		}
	}
	return gauge
}

var _ = Describe("ACL controller with gardener-resource-manager", Ordered, func() {
	var extension *extensionsv1alpha1.Extension

	BeforeAll(func(ctx context.Context) {
		var err error
		extension, err = web.CreateWithoutIngress(ctx, c)
		Expect(err).NotTo(HaveOccurred())
		gateway, err := web.IngressGateway(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(gateway.Namespace).To(Equal(ingressNS))
	})

	It("applies EnvoyFilters that admit the rules and the always-allowed sources, and reports the rule summary", func(ctx context.Context) {
		filter := &istionetworkingv1alpha3.EnvoyFilter{}
		Eventually(func(g Gomega) {
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ingressNS, Name: filterName}, filter)).To(Succeed())
		}).WithTimeout(30 * time.Second).Should(Succeed())

		// One chain serves the kube-apiserver's external and internal hosts (Istio TLS termination, one server), and is
		// selected by the one of them no other chain serves; plutono and prometheus have chains of their own.
		Expect(sniMatches(filter)).To(Equal([]string{web.Shoot.InternalAPIServerHost(), web.Shoot.IngressHost(seedLayout, "gu"), web.Shoot.IngressHost(seedLayout, "p")}))
		// The apiserver-proxy and the legacy reversed-VPN listener are the shared slots' once gardener-resource-manager
		// applied them: the shoot's own filter then leaves them.
		Eventually(func(g Gomega) {
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ingressNS, Name: filterName}, filter)).To(Succeed())
			g.Expect(sharedListenerPorts(filter)).To(BeEmpty())
		}).WithTimeout(30 * time.Second).Should(Succeed())
		// Seed nodes and pods, the shoot's nodes, its egress, the operator's addition, and the rules.
		Expect(principalsOfFirstPatch(filter)).To(Equal([]string{"10.1.0.0", "10.250.0.0", "100.64.0.0", "172.16.0.0", "198.51.100.10", "203.0.113.0", "2001:db8:1::"}))

		Eventually(func(g Gomega) {
			g.Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
			g.Expect(extension.Status.LastOperation).NotTo(BeNil())
			g.Expect(extension.Status.LastOperation.State).To(Equal(gardencorev1beta1.LastOperationStateSucceeded))
			g.Expect(extension.Status.ProviderStatus).NotTo(BeNil())
			status := aclv1alpha1.ACLStatus{}
			g.Expect(json.Unmarshal(extension.Status.ProviderStatus.Raw, &status)).To(Succeed())
			g.Expect(status.IPv4Prefixes).To(Equal(1))
			g.Expect(status.IPv6Prefixes).To(Equal(1))
			g.Expect(status.Hash).To(HaveLen(64))
		}).WithTimeout(30 * time.Second).Should(Succeed())

		// Six IPv4 prefixes (seed nodes and pods, shoot nodes, egress, additional, the rule) and one IPv6 prefix.
		Expect(testutil.ToFloat64(renderedPrefixesGauge(web.TechnicalID(), "ipv4"))).To(Equal(6.0))
		Expect(testutil.ToFloat64(renderedPrefixesGauge(web.TechnicalID(), "ipv6"))).To(Equal(1.0))
	})

	It("writes nothing when a reconcile changes nothing", func(ctx context.Context) {
		// Every request of the actuator goes through this client, and every one that changes an object is counted (a
		// request that changes nothing keeps the resource version: no etcd write, no watch event, no push to Envoy).
		// The running controller's own reconciles, and gardener's extension library recording each operation, use
		// other clients.
		var writes, requests atomic.Int32
		var written []string
		changed := func(obj client.Object, before string, err error) error {
			requests.Add(1)
			if err == nil && obj.GetResourceVersion() != before {
				writes.Add(1)
				written = append(written, fmt.Sprintf("%T %s", obj, client.ObjectKeyFromObject(obj)))
			}
			return err
		}
		direct, err := client.NewWithWatch(seed.Config, client.Options{Scheme: kubernetes.SeedScheme})
		Expect(err).NotTo(HaveOccurred())
		observed := interceptor.NewClient(direct, interceptor.Funcs{
			Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
				return changed(obj, "", c.Create(ctx, obj, opts...))
			},
			Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
				before := obj.GetResourceVersion()
				return changed(obj, before, c.Update(ctx, obj, opts...))
			},
			Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
				before := obj.GetResourceVersion()
				return changed(obj, before, c.Patch(ctx, obj, patch, opts...))
			},
			Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
				return changed(obj, "deleted", c.Delete(ctx, obj, opts...))
			},
			SubResourceUpdate: func(ctx context.Context, c client.Client, subResource string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
				before := obj.GetResourceVersion()
				return changed(obj, before, c.SubResource(subResource).Update(ctx, obj, opts...))
			},
			SubResourcePatch: func(ctx context.Context, c client.Client, subResource string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
				before := obj.GetResourceVersion()
				return changed(obj, before, c.SubResource(subResource).Patch(ctx, obj, patch, opts...))
			},
		})

		managedResource := &resourcesv1alpha1.ManagedResource{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: web.TechnicalID(), Name: constants.ManagedResourceName}, managedResource)).To(Succeed())
		secret := &corev1.Secret{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: web.TechnicalID(), Name: managedResource.Spec.SecretRefs[0].Name}, secret)).To(Succeed())
		// A recorder without a channel drops the events: a buffered one would block the polls below once full.
		actuator := aclcontroller.NewActuator(observed, &events.FakeRecorder{}, controllerConfig)
		Eventually(func(g Gomega) {
			// Until the running controller has finished with the previous spec, the Extension's status may still be
			// behind; once it has, a reconcile must change nothing.
			writes.Store(0)
			requests.Store(0)
			written = nil
			g.Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
			g.Expect(actuator.Reconcile(ctx, GinkgoLogr, extension.DeepCopy())).To(Succeed())
			g.Expect(writes.Load()).To(BeZero(), "a reconcile that changes nothing changed %v", written)
			// Not even a request that changes nothing: the provider status comes back from the API server with its
			// keys sorted, and is compared as a value.
			g.Expect(requests.Load()).To(BeZero(), "a reconcile that changes nothing sent write requests")
		}).WithTimeout(10 * time.Second).Should(Succeed())

		afterSecret := &corev1.Secret{}
		Expect(c.Get(ctx, client.ObjectKeyFromObject(secret), afterSecret)).To(Succeed())
		Expect(afterSecret.ResourceVersion).To(Equal(secret.ResourceVersion))

		By("Counting for real: a rule change writes")
		otherRules := extension.DeepCopy()
		otherRules.Spec.ProviderConfig = &runtime.RawExtension{Raw: []byte(`{"rule":{"action":"ALLOW","cidrs":["192.0.2.0/24"]}}`)}
		Expect(actuator.Reconcile(ctx, GinkgoLogr, otherRules)).To(Succeed())
		Expect(writes.Load()).To(BeNumerically(">", 0))
		Expect(actuator.Reconcile(ctx, GinkgoLogr, extension.DeepCopy())).To(Succeed(), "and back")
	})

	It("follows a change of the rules", func(ctx context.Context) {
		Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
		patch := client.MergeFrom(extension.DeepCopy())
		extension.Spec.ProviderConfig = &runtime.RawExtension{Raw: []byte(`{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["192.0.2.0/24"]}}`)}
		Expect(c.Patch(ctx, extension, patch)).To(Succeed())

		Eventually(func(g Gomega) {
			filter := &istionetworkingv1alpha3.EnvoyFilter{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ingressNS, Name: filterName}, filter)).To(Succeed())
			g.Expect(principalsOfFirstPatch(filter)).To(ContainElement("192.0.2.0"))
			g.Expect(principalsOfFirstPatch(filter)).NotTo(ContainElement("203.0.113.0"))
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("follows a change of the hosts the shoot's istio Gateways serve", func(ctx context.Context) {
		// When the seed gains a wildcard certificate, gardenlet adds the wildcard endpoint api-<shortID> to the
		// kube-apiserver Gateway as a server of its own (its own filter chain).
		withWildcard := web
		withWildcard.Seed.WildcardCertificate = true
		Expect(withWildcard.ApplyControlPlane(ctx, c)).To(Succeed())
		gateway := &istionetworkingv1beta1.Gateway{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: web.TechnicalID(), Name: "kube-apiserver"}, gateway)).To(Succeed())
		Expect(gateway.Spec.Servers).To(HaveLen(2))

		Eventually(func(g Gomega) {
			filter := &istionetworkingv1alpha3.EnvoyFilter{}
			g.Expect(c.Get(ctx, client.ObjectKey{Namespace: ingressNS, Name: filterName}, filter)).To(Succeed())
			g.Expect(sniMatches(filter)).To(ContainElement(web.Shoot.IngressHost(seedLayout, "api")))
		}).WithTimeout(30 * time.Second).Should(Succeed())
	})

	It("refuses invalid rules with a configuration problem and keeps the filters in place", func(ctx context.Context) {
		Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
		patch := client.MergeFrom(extension.DeepCopy())
		extension.Spec.ProviderConfig = &runtime.RawExtension{Raw: []byte(`{"rule":{"action":"ALLOW","cidrs":["not-a-cidr"]}}`)}
		Expect(c.Patch(ctx, extension, patch)).To(Succeed())

		Eventually(func(g Gomega) {
			g.Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
			g.Expect(extension.Status.LastError).NotTo(BeNil())
			g.Expect(extension.Status.LastError.Description).To(ContainSubstring(`spec.providerConfig.rule.cidrs[0]: Invalid value: "not-a-cidr"`))
			g.Expect(extension.Status.LastError.Codes).To(ContainElement(gardencorev1beta1.ErrorConfigurationProblem))
		}).WithTimeout(30 * time.Second).Should(Succeed())

		filter := &istionetworkingv1alpha3.EnvoyFilter{}
		Expect(c.Get(ctx, client.ObjectKey{Namespace: ingressNS, Name: filterName}, filter)).To(Succeed())
		Expect(principalsOfFirstPatch(filter)).To(ContainElement("192.0.2.0"))
	})

	It("removes the EnvoyFilters when the Extension is deleted", func(ctx context.Context) {
		Expect(c.Delete(ctx, extension)).To(Succeed())
		Eventually(func(g Gomega) {
			err := c.Get(ctx, client.ObjectKey{Namespace: ingressNS, Name: filterName}, &istionetworkingv1alpha3.EnvoyFilter{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "EnvoyFilter still present: %v", err)
			g.Expect(apierrors.IsNotFound(c.Get(ctx, client.ObjectKeyFromObject(extension), &extensionsv1alpha1.Extension{}))).To(BeTrue())
		}).WithTimeout(time.Minute).Should(Succeed())
	})
})
