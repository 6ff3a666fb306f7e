// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package exposure_test

import (
	"net/netip"
	"slices"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istioapinetworkingv1beta1 "istio.io/api/networking/v1beta1"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/pkg/exposure"
)

func gateway(name string, selector map[string]string, hosts ...string) *istionetworkingv1beta1.Gateway {
	return &istionetworkingv1beta1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shoot--dev--a"},
		Spec: istioapinetworkingv1beta1.Gateway{
			Selector: selector,
			Servers:  []*istioapinetworkingv1beta1.Server{{Hosts: hosts, Port: &istioapinetworkingv1beta1.Port{Number: 443, Name: "tls", Protocol: "TLS"}}},
		},
	}
}

func ingressService(namespace string, selector map[string]string, targetPorts ...int32) corev1.Service {
	service := corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "istio-ingressgateway", Namespace: namespace}, Spec: corev1.ServiceSpec{Selector: selector}}
	for _, port := range targetPorts {
		service.Spec.Ports = append(service.Spec.Ports, corev1.ServicePort{Port: port, TargetPort: intstr.FromInt32(port)})
	}
	return service
}

var (
	defaultLabels = map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway"}
	zonalLabels   = map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway--zone--b"}
)

func observabilityGateway(hosts ...string) *istionetworkingv1beta1.Gateway {
	observability := gateway("nginx-ingress-controller", defaultLabels, hosts...)
	observability.Namespace = "garden"
	return observability
}

func ingress(name string, hosts ...string) networkingv1.Ingress {
	ingress := networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shoot--dev--a"}}
	for _, host := range hosts {
		ingress.Spec.Rules = append(ingress.Spec.Rules, networkingv1.IngressRule{Host: host})
	}
	ingress.Spec.TLS = []networkingv1.IngressTLS{{Hosts: hosts}}
	return ingress
}

var _ = Describe("Find", func() {
	services := []corev1.Service{
		ingressService("istio-ingress", defaultLabels, 9443, 8443, 8132),
		ingressService("istio-ingress--zone--b", zonalLabels, 9443, 8443),
	}
	find := func(gateways []*istionetworkingv1beta1.Gateway, ingresses ...networkingv1.Ingress) (exposure.Exposure, error) {
		return exposure.Find(exposure.Objects{ControlPlaneNamespace: "shoot--dev--a", Gateways: gateways, Ingresses: ingresses, IngressServices: services})
	}

	It("maps the kube-apiserver Gateways (SNI, wildcard, seed ingress domain) to their ingress namespaces with every host they serve", func() {
		found, err := find([]*istionetworkingv1beta1.Gateway{
			gateway("kube-apiserver", zonalLabels, "api.a.dev.example.com", "api.a.dev.internal.example.com"),
			gateway("kube-apiserver-wildcard", defaultLabels, "api-dev--a.wildcard.seed.example.com"),
			gateway("kube-apiserver-ingress", defaultLabels, "api-dev--a.ingress.seed.example.com"),
			gateway("something-else", defaultLabels, "other.example.com"),
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(Equal(exposure.Exposure{Gateways: []envoyfilter.Gateway{
			{Namespace: "istio-ingress", Labels: defaultLabels, Hosts: []string{"api-dev--a.ingress.seed.example.com", "api-dev--a.wildcard.seed.example.com"}, LegacyVPNListenerPort: 8132},
			{Namespace: "istio-ingress--zone--b", Labels: zonalLabels, Hosts: []string{"api.a.dev.example.com", "api.a.dev.internal.example.com"}},
		}}))
	})

	It("merges both Gateways when they use the same ingress", func() {
		found, err := find([]*istionetworkingv1beta1.Gateway{
			gateway("kube-apiserver", defaultLabels, "api.a.dev.example.com"),
			gateway("kube-apiserver-wildcard", defaultLabels, "api-dev--a.ingress.seed.example.com", "api.a.dev.example.com"),
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(found.Gateways).To(HaveLen(1))
		Expect(found.Gateways[0].Hosts).To(Equal([]string{"api-dev--a.ingress.seed.example.com", "api.a.dev.example.com"}))
	})

	It("ignores kube-apiserver Gateways of other namespaces: they belong to other shoots", func() {
		other := gateway("kube-apiserver", defaultLabels, "api.b.dev.example.com")
		other.Namespace = "shoot--dev--b"
		found, err := find([]*istionetworkingv1beta1.Gateway{other})
		Expect(err).NotTo(HaveOccurred())
		Expect(found.Gateways).To(BeEmpty())
	})

	It("puts the shoot's observability hosts on the seed's shared wildcard chain, in lower case", func() {
		found, err := find([]*istionetworkingv1beta1.Gateway{
			gateway("kube-apiserver", zonalLabels, "api.a.dev.example.com"),
			observabilityGateway("*.ingress.seed.example.com", "*.ingress.other-seed.example.com"),
		},
			ingress("plutono", "GU-dev--a.ingress.seed.example.com"),
			ingress("prometheus", "p-dev--a.ingress.seed.example.com"),
			ingress("unrelated", "metrics.example.org", ""),
		)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(Equal(exposure.Exposure{
			Gateways: []envoyfilter.Gateway{
				{Namespace: "istio-ingress", Labels: defaultLabels, LegacyVPNListenerPort: 8132, SharedSNIChains: []string{"*.ingress.seed.example.com"}},
				{Namespace: "istio-ingress--zone--b", Labels: zonalLabels, Hosts: []string{"api.a.dev.example.com"}},
			},
			SharedSNIHosts: []string{"gu-dev--a.ingress.seed.example.com", "p-dev--a.ingress.seed.example.com"},
		}))
	})

	It("leaves the shared chain out when the shoot has no host on it, and ignores other namespaces' observability Gateways", func() {
		elsewhere := observabilityGateway("*.ingress.seed.example.com")
		elsewhere.Namespace = "shoot--dev--a"
		found, err := find([]*istionetworkingv1beta1.Gateway{observabilityGateway("*.ingress.seed.example.com"), elsewhere},
			ingress("plutono", "gu-dev--a.ingress.elsewhere.example.com", "ingress.seed.example.com"))
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(Equal(exposure.Exposure{Gateways: []envoyfilter.Gateway{}}))
	})

	It("refuses a Gateway whose ingress cannot be found instead of leaving its hosts unprotected", func() {
		_, err := find([]*istionetworkingv1beta1.Gateway{gateway("kube-apiserver", map[string]string{"istio": "gone"}, "api.a.dev.example.com")})
		Expect(err).To(MatchError(ContainSubstring("no ingress gateway Service selects map[istio:gone]")))

		observability := observabilityGateway("*.ingress.seed.example.com")
		observability.Spec.Selector = map[string]string{"istio": "gone"}
		_, err = find([]*istionetworkingv1beta1.Gateway{observability}, ingress("plutono", "gu-dev--a.ingress.seed.example.com"))
		Expect(err).To(MatchError(ContainSubstring("Gateway garden/nginx-ingress-controller")))
	})

	It("refuses an ambiguous ingress", func() {
		_, err := exposure.Find(exposure.Objects{
			ControlPlaneNamespace: "shoot--dev--a",
			Gateways:              []*istionetworkingv1beta1.Gateway{gateway("kube-apiserver", defaultLabels, "api.a.dev.example.com")},
			IngressServices:       append(slices.Clone(services), ingressService("istio-ingress-copy", defaultLabels, 9443)),
		})
		Expect(err).To(MatchError(ContainSubstring("both select")))
	})
})

var _ = Describe("ReadAlwaysAllowed", func() {
	seed := &gardencorev1beta1.Seed{Spec: gardencorev1beta1.SeedSpec{Networks: gardencorev1beta1.SeedNetworks{
		Nodes: ptr.To("10.250.0.0/16,2001:db8:f::/64"), Pods: "100.96.0.0/11",
	}}}
	shootWithWorkers := func() *gardencorev1beta1.Shoot {
		return &gardencorev1beta1.Shoot{Spec: gardencorev1beta1.ShootSpec{
			Networking: &gardencorev1beta1.Networking{Nodes: ptr.To("10.180.0.0/16")},
			Provider:   gardencorev1beta1.Provider{Workers: []gardencorev1beta1.Worker{{Name: "pool"}}},
		}}
	}

	It("collects seed networks, shoot networks, egress CIDRs, managed seed egress and additional CIDRs", func() {
		shoot := shootWithWorkers()
		shoot.Status.Networking = &gardencorev1beta1.NetworkingStatus{Nodes: []string{"10.180.0.0/16"}, EgressCIDRs: []string{"198.51.100.7/32"}}
		result, err := exposure.ReadAlwaysAllowed(exposure.Sources{
			Seed:           seed,
			Shoot:          shoot,
			Infrastructure: &extensionsv1alpha1.Infrastructure{Status: extensionsv1alpha1.InfrastructureStatus{EgressCIDRs: []string{"203.0.113.9/32"}}},
			SeedShootInfo:  &corev1.ConfigMap{Data: map[string]string{"egressCIDRs": "192.0.2.1/32,192.0.2.2/32"}},
			Additional:     []string{"172.16.0.0/12"},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(result.EgressUnknown).To(BeFalse())
		Expect(result.Prefixes).To(ConsistOf(
			netip.MustParsePrefix("10.250.0.0/16"), netip.MustParsePrefix("2001:db8:f::/64"), netip.MustParsePrefix("100.96.0.0/11"),
			netip.MustParsePrefix("10.180.0.0/16"), netip.MustParsePrefix("10.180.0.0/16"), netip.MustParsePrefix("198.51.100.7/32"),
			netip.MustParsePrefix("203.0.113.9/32"), netip.MustParsePrefix("192.0.2.1/32"), netip.MustParsePrefix("192.0.2.2/32"),
			netip.MustParsePrefix("172.16.0.0/12"),
		))
	})

	It("reports unknown egress of a shoot with workers", func() {
		result, err := exposure.ReadAlwaysAllowed(exposure.Sources{Seed: seed, Shoot: shootWithWorkers()})
		Expect(err).NotTo(HaveOccurred())
		Expect(result.EgressUnknown).To(BeTrue())
	})

	It("takes egress CIDRs from the Infrastructure alone", func() {
		result, err := exposure.ReadAlwaysAllowed(exposure.Sources{Seed: seed, Shoot: shootWithWorkers(),
			Infrastructure: &extensionsv1alpha1.Infrastructure{Status: extensionsv1alpha1.InfrastructureStatus{EgressCIDRs: []string{"203.0.113.9/32"}}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(result.EgressUnknown).To(BeFalse())
	})

	It("does not expect egress CIDRs of a workerless shoot", func() {
		result, err := exposure.ReadAlwaysAllowed(exposure.Sources{Seed: seed, Shoot: &gardencorev1beta1.Shoot{}})
		Expect(err).NotTo(HaveOccurred())
		Expect(result.EgressUnknown).To(BeFalse())
	})

	It("fails on a malformed CIDR in any source, naming the source", func() {
		_, err := exposure.ReadAlwaysAllowed(exposure.Sources{Seed: seed, Additional: []string{"10.0.0.0/8", "ten/8"}})
		Expect(err).To(MatchError(ContainSubstring(`failed to read the additional allowed CIDRs: "ten/8" is not a CIDR`)))
	})
})
