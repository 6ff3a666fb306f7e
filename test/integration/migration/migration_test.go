// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package migration_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"

	rbacnetworkv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	gardencoreinstall "github.com/gardener/gardener/pkg/apis/core/install"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"github.com/gardener/gardener/pkg/utils/managedresources"
	"github.com/go-logr/logr"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	admissionv1 "k8s.io/api/admission/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gardener-community/gardener-extension-acl/pkg/admission/validator"
	aclv1alpha1 "github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/v1alpha1"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/envoyfilters"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
)

const ingressNamespace = "istio-ingress"

// legacyConfig is a providerConfig in the only form the existing ACL extension reads (its pkg/extensionspec).
func legacyConfig(action, principalType string, cidrs ...string) string {
	raw, err := json.Marshal(map[string]any{"rule": map[string]any{"action": action, "type": principalType, "cidrs": cidrs}})
	Expect(err).NotTo(HaveOccurred())
	return string(raw)
}

// newWebhook returns the admission handler the garden runs, with the default limits.
func newWebhook() admission.Handler {
	scheme := runtime.NewScheme()
	gardencoreinstall.Install(scheme)
	metrics, err := validator.NewMetrics(prometheus.NewRegistry())
	Expect(err).NotTo(HaveOccurred())
	return validator.NewShootHandler(serializer.NewCodecFactory(scheme).UniversalDecoder(), validation.DefaultLimits(), metrics, logr.Discard())
}

// review sends a Shoot with the acl providerConfig through the webhook; oldProviderConfig is empty for a create.
func review(ctx context.Context, providerConfig, oldProviderConfig string) admission.Response {
	shoot := func(providerConfig string) []byte {
		raw, err := json.Marshal(&gardencorev1beta1.Shoot{
			TypeMeta:   metav1.TypeMeta{APIVersion: "core.gardener.cloud/v1beta1", Kind: "Shoot"},
			ObjectMeta: metav1.ObjectMeta{Name: "migrated", Namespace: "garden-dev"},
			Spec: gardencorev1beta1.ShootSpec{
				Region:     "local",
				Provider:   gardencorev1beta1.Provider{Type: "local", Workers: []gardencorev1beta1.Worker{{Name: "pool", Minimum: 1, Maximum: 3}}},
				Kubernetes: gardencorev1beta1.Kubernetes{Version: "1.34.0"},
				Extensions: []gardencorev1beta1.Extension{{Type: "acl", ProviderConfig: &runtime.RawExtension{Raw: []byte(providerConfig)}}},
			},
		})
		Expect(err).NotTo(HaveOccurred())
		return raw
	}
	request := admissionv1.AdmissionRequest{
		UID:       "migration",
		Kind:      metav1.GroupVersionKind{Group: "core.gardener.cloud", Version: "v1beta1", Kind: "Shoot"},
		Resource:  metav1.GroupVersionResource{Group: "core.gardener.cloud", Version: "v1beta1", Resource: "shoots"},
		Operation: admissionv1.Create,
		Object:    runtime.RawExtension{Raw: shoot(providerConfig)},
	}
	if oldProviderConfig != "" {
		request.Operation = admissionv1.Update
		request.OldObject = runtime.RawExtension{Raw: shoot(oldProviderConfig)}
	}
	return newWebhook().Handle(ctx, admission.Request{AdmissionRequest: request})
}

// legacyLeftovers are the objects the existing ACL extension (stackitcloud/gardener-extension-acl at
// a7549970a3f82ad1fb308aeac5a7d2e8d556cb0d) deploys for a shoot through its ManagedResource acl-seed
// (charts/seed/templates/envoyfilter/*.yaml): the api, vpn and http-proxy filters in the shoot's istio ingress
// namespace and the ingress filter in istio-ingress. Their specs are reduced to one RBAC patch each: what matters here
// is that they are applied and removed, not what Envoy makes of them.
func legacyLeftovers(technicalID, apiHost string) string {
	var manifests []string
	for _, name := range aclcontroller.LegacyEnvoyFilterNames(technicalID) {
		match := `listener: {name: 0.0.0.0_8443}`
		applyTo := "HTTP_FILTER"
		if strings.HasPrefix(name, "acl-api-") {
			match, applyTo = `listener: {filterChain: {sni: `+apiHost+`}}`, "NETWORK_FILTER"
		}
		manifests = append(manifests, fmt.Sprintf(`apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: %s
  namespace: %s
  labels:
    app.kubernetes.io/name: seed
    app.kubernetes.io/instance: %s
spec:
  workloadSelector:
    labels: {app: istio-ingressgateway, istio: ingressgateway}
  configPatches:
  - applyTo: %s
    match:
      context: GATEWAY
      %s
    patch:
      operation: INSERT_FIRST
      value:
        name: acl-legacy
`, name, ingressNamespace, technicalID, applyTo, match))
	}
	return strings.Join(manifests, "---\n")
}

// admits evaluates the network RBAC filter the shoot's EnvoyFilter puts on the filter chain of host, as Envoy would
// for a client at addr.
func admits(filter *istionetworkingv1alpha3.EnvoyFilter, host string, addr netip.Addr) bool {
	inserted, err := envoyfilters.Insertions(filter)
	Expect(err).NotTo(HaveOccurred())
	for _, insertion := range inserted {
		if insertion.Patch.Match.GetListener().GetFilterChain().GetSni() != host {
			continue
		}
		rules := &rbacnetworkv3.RBAC{}
		Expect(envoyfilters.Decode(insertion.TypedConfig, rules)).To(Succeed())
		allowed, err := envoyrbac.Allowed(rules.GetRules(), envoyrbac.Request{RemoteIP: addr, ConnectionRemoteIP: addr, DirectRemoteIP: addr, ServerName: host})
		Expect(err).NotTo(HaveOccurred())
		return allowed
	}
	var hosts []string
	for _, patch := range filter.Spec.ConfigPatches {
		hosts = append(hosts, patch.Match.GetListener().GetFilterChain().GetSni())
	}
	Fail(fmt.Sprintf("the EnvoyFilter %s has no patch for the filter chain of %s, only for %q", filter.Name, host, hosts))
	return false
}

// takeover describes a shoot of the existing ACL extension and what must hold once this extension took it over.
type takeover struct {
	// providerConfig is the Shoot's acl providerConfig, unchanged since the existing extension admitted it.
	providerConfig string
	// admittedOnCreate is the webhook's answer to a new Shoot with this providerConfig.
	admittedOnCreate bool
	// admitted and denied are client addresses the shoot's kube-apiserver must admit and refuse afterwards.
	admitted, denied []string
	// warnings are fragments of the warnings the controller reports in providerStatus.
	warnings []string
	// orphaned leaves the existing extension's EnvoyFilters without their ManagedResource, as after a ManagedResource
	// that was deleted with keepObjects; only the Extension's status.state still tells of them.
	orphaned bool
}

var _ = Describe("Taking over shoots of the existing ACL extension", func() {
	DescribeTable("enforces every form the existing extension accepted and removes its filters",
		func(ctx context.Context, name string, t takeover) {
			shoot := gardenerseed.Shoot{Name: name}
			technicalID := shoot.TechnicalID()
			apiHost := shoot.InternalAPIServerHost()

			By("Asking the webhook: a new Shoot, and an update that leaves the providerConfig unchanged")
			Expect(review(ctx, t.providerConfig, "").Allowed).To(Equal(t.admittedOnCreate))
			updated := review(ctx, t.providerConfig, t.providerConfig)
			Expect(updated.Allowed).To(BeTrue(), "an unchanged providerConfig must never block an update: %v", updated.Result)

			By("Laying out the shoot's control plane with gardener's own code and what the existing extension left")
			objects, err := gardenerseed.ControlPlane(ctx, seedLayout, shoot)
			Expect(err).NotTo(HaveOccurred())
			Expect(gardenerseed.Apply(ctx, c, objects)).To(Succeed())
			Expect(managedresources.Create(ctx, c, technicalID, aclcontroller.LegacyManagedResourceName, nil, false, "seed",
				map[string][]byte{"seed": []byte(legacyLeftovers(technicalID, apiHost))}, ptr.To(t.orphaned), nil, ptr.To(false))).To(Succeed())
			legacyFilters := func(g Gomega) []string {
				list := &istionetworkingv1alpha3.EnvoyFilterList{}
				g.Expect(c.List(ctx, list, client.InNamespace(ingressNamespace), client.MatchingLabels{"app.kubernetes.io/instance": technicalID})).To(Succeed())
				var names []string
				for _, filter := range list.Items {
					names = append(names, filter.Name)
				}
				return names
			}
			Eventually(legacyFilters).WithTimeout(30 * time.Second).Should(ConsistOf(aclcontroller.LegacyEnvoyFilterNames(technicalID)))
			if t.orphaned {
				Expect(managedresources.Delete(ctx, c, technicalID, aclcontroller.LegacyManagedResourceName, false)).To(Succeed())
				Eventually(func() error {
					return c.Get(ctx, client.ObjectKey{Namespace: technicalID, Name: aclcontroller.LegacyManagedResourceName}, &resourcesv1alpha1.ManagedResource{})
				}).WithTimeout(30 * time.Second).Should(Satisfy(apierrors.IsNotFound))
				Expect(legacyFilters(Default)).To(HaveLen(4), "keepObjects leaves the filters behind")
			}

			extension := &extensionsv1alpha1.Extension{
				ObjectMeta: metav1.ObjectMeta{Name: "acl", Namespace: technicalID},
				Spec: extensionsv1alpha1.ExtensionSpec{DefaultSpec: extensionsv1alpha1.DefaultSpec{
					Type: "acl", ProviderConfig: &runtime.RawExtension{Raw: []byte(t.providerConfig)},
				}},
			}
			Expect(c.Create(ctx, extension)).To(Succeed())
			extension.Status.State = &runtime.RawExtension{Raw: []byte(`{"istioNamespace":"` + ingressNamespace + `"}`)}
			Expect(c.Status().Update(ctx, extension)).To(Succeed())

			By("Reconciling the Extension with this extension's controller")
			recorder := events.NewFakeRecorder(20)
			actuator := aclcontroller.NewActuator(c, recorder, aclcontroller.Config{Limits: validation.DefaultLimits()})
			Expect(actuator.Reconcile(ctx, GinkgoLogr, extension)).To(Succeed())

			By("Checking what the shoot's kube-apiserver admits")
			filter := &istionetworkingv1alpha3.EnvoyFilter{}
			Eventually(func() error {
				return c.Get(ctx, client.ObjectKey{Namespace: ingressNamespace, Name: envoyfilter.Name(technicalID)}, filter)
			}).WithTimeout(30 * time.Second).Should(Succeed())
			for _, address := range t.admitted {
				Expect(admits(filter, apiHost, netip.MustParseAddr(address))).To(BeTrue(), "%s must be admitted", address)
			}
			for _, address := range t.denied {
				Expect(admits(filter, apiHost, netip.MustParseAddr(address))).To(BeFalse(), "%s must be refused", address)
			}
			// The seed's own nodes are admitted whatever the rules say, also where the existing extension refused them.
			Expect(admits(filter, apiHost, netip.MustParseAddr("10.1.0.5"))).To(BeTrue())

			By("Checking the warnings in the Extension's status")
			Expect(c.Get(ctx, client.ObjectKeyFromObject(extension), extension)).To(Succeed())
			status := aclv1alpha1.ACLStatus{}
			Expect(json.Unmarshal(extension.Status.ProviderStatus.Raw, &status)).To(Succeed())
			for _, fragment := range t.warnings {
				Expect(status.Warnings).To(ContainElement(ContainSubstring(fragment)))
			}
			if len(t.warnings) == 0 {
				Expect(status.Warnings).To(BeEmpty())
			}

			By("Checking that nothing of the existing extension is left")
			Expect(extension.Status.State).To(BeNil())
			Eventually(legacyFilters).WithTimeout(30 * time.Second).Should(BeEmpty())
			Eventually(func() error {
				return c.Get(ctx, client.ObjectKey{Namespace: technicalID, Name: aclcontroller.LegacyManagedResourceName}, &resourcesv1alpha1.ManagedResource{})
			}).WithTimeout(30 * time.Second).Should(Satisfy(apierrors.IsNotFound))
			var recorded []string
			for len(recorder.Events) > 0 {
				recorded = append(recorded, <-recorder.Events)
			}
			Expect(recorded).To(ContainElement(ContainSubstring("TookOver")))
		},
		Entry("host bits, the existing extension's README example", "hostbits", takeover{
			providerConfig: legacyConfig("ALLOW", "remote_ip", "1.2.3.4/24", "10.250.0.0/16"),
			admitted:       []string{"1.2.3.4", "1.2.3.255", "10.250.7.7"},
			denied:         []string{"1.2.4.1", "203.0.113.9"},
			warnings:       []string{`"1.2.3.4/24" has host bits set: write 1.2.3.0/24 for the whole network, or 1.2.3.4/32 for the single address; it is enforced as 1.2.3.0/24`},
		}),
		Entry("lower-case action and type", "lowercase", takeover{
			providerConfig:   legacyConfig("allow", "Remote_IP", "203.0.113.0/24"),
			admittedOnCreate: true,
			admitted:         []string{"203.0.113.9"},
			denied:           []string{"198.18.0.1"},
		}),
		Entry("direct_remote_ip", "direct", takeover{
			providerConfig:   legacyConfig("ALLOW", "direct_remote_ip", "203.0.113.0/24"),
			admittedOnCreate: true,
			admitted:         []string{"203.0.113.9"},
			denied:           []string{"198.18.0.1"},
		}),
		Entry("source_ip", "source", takeover{
			providerConfig:   legacyConfig("ALLOW", "source_ip", "203.0.113.0/24"),
			admittedOnCreate: true,
			admitted:         []string{"203.0.113.9"},
			denied:           []string{"198.18.0.1"},
			warnings:         []string{"source_ip is deprecated in Envoy"},
		}),
		Entry("DENY: everything else is admitted, the seed stays admitted", "deny", takeover{
			providerConfig:   legacyConfig("DENY", "remote_ip", "203.0.113.0/24", "10.1.0.0/16"),
			admittedOnCreate: true,
			admitted:         []string{"198.18.0.1", "1.2.3.4"},
			denied:           []string{"203.0.113.9"},
		}),
		Entry("duplicates", "duplicates", takeover{
			providerConfig:   legacyConfig("ALLOW", "remote_ip", "203.0.113.0/24", "203.0.113.0/24", "203.0.113.128/25"),
			admittedOnCreate: true,
			admitted:         []string{"203.0.113.9", "203.0.113.200"},
			denied:           []string{"198.18.0.1"},
			warnings:         []string{"repeats 203.0.113.0/24", "is already covered by 203.0.113.0/24"},
		}),
		Entry("IPv4-mapped IPv6 range: enforced as the single address Envoy matched", "mapped", takeover{
			providerConfig: legacyConfig("ALLOW", "remote_ip", "::ffff:192.168.7.0/120", "203.0.113.0/24"),
			admitted:       []string{"192.168.7.0", "203.0.113.9"},
			denied:         []string{"192.168.7.1", "::ffff:192.168.7.1"},
			warnings:       []string{"it is enforced as 192.168.7.0/32, the prefix Envoy matched for it under the existing ACL extension"},
		}),
		Entry("as many entries with host bits as the limit allows", "limit", takeover{
			providerConfig: legacyConfig("ALLOW", "remote_ip", hostBitsEntries(validation.DefaultMaxEntries)...),
			admitted:       []string{"11.0.0.1", "11.3.231.200"},
			denied:         []string{"11.3.232.1", "198.18.0.1"},
			warnings:       []string{`"11.0.0.1/24" has host bits set`},
		}),
		Entry("filters left without their ManagedResource", "orphaned", takeover{
			providerConfig:   legacyConfig("ALLOW", "remote_ip", "203.0.113.0/24"),
			admittedOnCreate: true,
			admitted:         []string{"203.0.113.9"},
			denied:           []string{"198.18.0.1"},
			orphaned:         true,
		}),
	)

	It("leaves the existing extension's filters in place while it cannot enforce the rules", func(ctx context.Context) {
		shoot := gardenerseed.Shoot{Name: "toomany"}
		technicalID := shoot.TechnicalID()
		providerConfig := legacyConfig("ALLOW", "remote_ip", hostBitsEntries(validation.DefaultMaxEntries+1)...)
		Expect(review(ctx, providerConfig, providerConfig).Allowed).To(BeTrue())

		objects, err := gardenerseed.ControlPlane(ctx, seedLayout, shoot)
		Expect(err).NotTo(HaveOccurred())
		Expect(gardenerseed.Apply(ctx, c, objects)).To(Succeed())
		Expect(managedresources.Create(ctx, c, technicalID, aclcontroller.LegacyManagedResourceName, nil, false, "seed",
			map[string][]byte{"seed": []byte(legacyLeftovers(technicalID, shoot.InternalAPIServerHost()))}, ptr.To(false), nil, ptr.To(false))).To(Succeed())
		extension := &extensionsv1alpha1.Extension{
			ObjectMeta: metav1.ObjectMeta{Name: "acl", Namespace: technicalID},
			Spec: extensionsv1alpha1.ExtensionSpec{DefaultSpec: extensionsv1alpha1.DefaultSpec{
				Type: "acl", ProviderConfig: &runtime.RawExtension{Raw: []byte(providerConfig)},
			}},
		}
		Expect(c.Create(ctx, extension)).To(Succeed())

		actuator := aclcontroller.NewActuator(c, events.NewFakeRecorder(20), aclcontroller.Config{Limits: validation.DefaultLimits()})
		err = actuator.Reconcile(ctx, GinkgoLogr, extension)
		Expect(err).To(MatchError(ContainSubstring("more than the maximum of 1000")))
		Expect(c.Get(ctx, client.ObjectKey{Namespace: technicalID, Name: aclcontroller.LegacyManagedResourceName}, &resourcesv1alpha1.ManagedResource{})).To(Succeed())
		Consistently(func() error {
			return c.Get(ctx, client.ObjectKey{Namespace: technicalID, Name: constants.ManagedResourceName}, &resourcesv1alpha1.ManagedResource{})
		}).WithTimeout(2 * time.Second).Should(Satisfy(apierrors.IsNotFound))
	})
})

// hostBitsEntries returns n entries of distinct /24 networks with host bits set: 11.0.0.1/24, 11.0.1.1/24, ...
func hostBitsEntries(n int) []string {
	entries := make([]string, 0, n)
	for i := range n {
		entries = append(entries, fmt.Sprintf("11.%d.%d.1/24", i/256, i%256))
	}
	return entries
}
