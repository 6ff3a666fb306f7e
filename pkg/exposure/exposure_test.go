// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package exposure_test

import (
	"fmt"
	"maps"
	"net/netip"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/types/known/structpb"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	istioapinetworkingv1beta1 "istio.io/api/networking/v1beta1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/pkg/exposure"
)

// The objects below model the seed as gardener v1.150 lays it out; the suites under test/ use gardener's own code for
// it (test/gardenerseed). Gateway: pkg/utils/istio/gateway.go; ingress gateway Deployment and Services:
// pkg/component/networking/istio/charts/istio/istio-ingress/templates/{deployment,service,service-internal}.yaml.

func gateway(name string, selector map[string]string, hosts ...string) *istionetworkingv1beta1.Gateway {
	return &istionetworkingv1beta1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shoot--dev--a"},
		Spec: istioapinetworkingv1beta1.Gateway{
			Selector: selector,
			Servers: []*istioapinetworkingv1beta1.Server{{
				Hosts: hosts, Port: &istioapinetworkingv1beta1.Port{Number: 443, Name: "tls", Protocol: "TLS"},
				Tls: &istioapinetworkingv1beta1.ServerTLSSettings{Mode: istioapinetworkingv1beta1.ServerTLSSettings_PASSTHROUGH},
			}},
		},
	}
}

func terminatingGateway(name string, selector map[string]string, serverHosts ...[]string) *istionetworkingv1beta1.Gateway {
	terminating := gateway(name, selector)
	terminating.Spec.Servers = nil
	for i, hosts := range serverHosts {
		terminating.Spec.Servers = append(terminating.Spec.Servers, &istioapinetworkingv1beta1.Server{
			Hosts: hosts, Port: &istioapinetworkingv1beta1.Port{Number: 443, Name: fmt.Sprintf("tls-%d", i), Protocol: "HTTPS"},
			Tls: &istioapinetworkingv1beta1.ServerTLSSettings{Mode: istioapinetworkingv1beta1.ServerTLSSettings_SIMPLE, CredentialName: "secret"},
		})
	}
	return terminating
}

func tlsRoute(gatewayName string, sniHosts ...[]string) *istionetworkingv1beta1.VirtualService {
	virtualService := &istionetworkingv1beta1.VirtualService{
		ObjectMeta: metav1.ObjectMeta{Name: gatewayName, Namespace: "shoot--dev--a"},
		Spec:       istioapinetworkingv1beta1.VirtualService{Gateways: []string{gatewayName}},
	}
	for _, hosts := range sniHosts {
		virtualService.Spec.Tls = append(virtualService.Spec.Tls, &istioapinetworkingv1beta1.TLSRoute{
			Match: []*istioapinetworkingv1beta1.TLSMatchAttributes{{Port: 443, SniHosts: hosts}},
		})
	}
	return virtualService
}

func ingressDeployment(namespace string, podLabels map[string]string, containerPorts ...int32) appsv1.Deployment {
	deployment := appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "istio-ingressgateway", Namespace: namespace, Labels: podLabels}}
	deployment.Spec.Template.Labels = podLabels
	container := corev1.Container{Name: "istio-proxy"}
	for _, port := range containerPorts {
		container.Ports = append(container.Ports, corev1.ContainerPort{ContainerPort: port})
	}
	deployment.Spec.Template.Spec.Containers = []corev1.Container{container}
	return deployment
}

// ingressServices returns gardener's two Services of an ingress gateway: the LoadBalancer one and the internal one,
// with the same selector and ports.
func ingressServices(namespace string, selector map[string]string, policy corev1.ServiceExternalTrafficPolicy) []corev1.Service {
	ports := []corev1.ServicePort{
		{Name: "tcp", Port: 443, TargetPort: intstr.FromInt32(9443)},
		{Name: "http-proxy", Port: 8443, TargetPort: intstr.FromInt32(8443)},
	}
	return []corev1.Service{
		{
			ObjectMeta: metav1.ObjectMeta{Name: "istio-ingressgateway", Namespace: namespace, Labels: selector},
			Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Selector: selector, Ports: ports, ExternalTrafficPolicy: policy},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "istio-ingressgateway-internal", Namespace: namespace, Labels: selector},
			Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, Selector: selector, Ports: ports},
		},
	}
}

var (
	defaultLabels = map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway", "istio-role": "seed"}
	zonalLabels   = map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway--zone--b", "istio-role": "seed"}
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

// proxyProtocolFilter is gardener's proxy-protocol-sni EnvoyFilter (istio-ingress/templates/proxy-protocol-envoyfilter.yaml).
func proxyProtocolFilter(namespace string, selector map[string]string) *istionetworkingv1alpha3.EnvoyFilter {
	value, err := structpb.NewStruct(map[string]any{"listener_filters": []any{
		map[string]any{"name": "proxy_protocol", "typed_config": map[string]any{
			"@type": "type.googleapis.com/envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol", "allow_requests_without_proxy_protocol": true,
		}},
	}})
	Expect(err).NotTo(HaveOccurred())
	return &istionetworkingv1alpha3.EnvoyFilter{
		ObjectMeta: metav1.ObjectMeta{Name: "proxy-protocol-sni", Namespace: namespace, Labels: selector},
		Spec: istioapinetworkingv1alpha3.EnvoyFilter{
			WorkloadSelector: &istioapinetworkingv1alpha3.WorkloadSelector{Labels: selector},
			ConfigPatches: []*istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch{{
				ApplyTo: istioapinetworkingv1alpha3.EnvoyFilter_LISTENER,
				Match: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch{
					Context:     istioapinetworkingv1alpha3.EnvoyFilter_GATEWAY,
					ObjectTypes: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch_Listener{Listener: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch{PortNumber: 9443}},
				},
				Patch: &istioapinetworkingv1alpha3.EnvoyFilter_Patch{Operation: istioapinetworkingv1alpha3.EnvoyFilter_Patch_MERGE, Value: value},
			}},
		},
	}
}

func chain(match string, names ...string) envoyfilter.Chain {
	return envoyfilter.Chain{Port: 9443, ServerNames: names, Match: match}
}

var _ = Describe("Find", func() {
	var objects exposure.Objects
	BeforeEach(func() {
		objects = exposure.Objects{
			ControlPlaneNamespace: "shoot--dev--a",
			IngressDeployments: []appsv1.Deployment{
				ingressDeployment("istio-ingress", defaultLabels, 9443, 8443, 8132),
				ingressDeployment("istio-ingress--zone--b", zonalLabels, 9443, 8443),
			},
			IngressServices: append(ingressServices("istio-ingress", defaultLabels, corev1.ServiceExternalTrafficPolicyLocal),
				ingressServices("istio-ingress--zone--b", zonalLabels, corev1.ServiceExternalTrafficPolicyLocal)...),
		}
	})
	find := func(gateways []*istionetworkingv1beta1.Gateway, ingresses ...networkingv1.Ingress) (exposure.Exposure, error) {
		objects.Gateways, objects.Ingresses = gateways, ingresses
		return exposure.Find(objects)
	}

	It("finds the ingress gateway by its workload although two Services select it, as gardener renders them", func() {
		objects.VirtualServices = []*istionetworkingv1beta1.VirtualService{tlsRoute("kube-apiserver", []string{"api.a.dev.example.com", "api.a.dev.internal.example.com"})}
		found, err := find([]*istionetworkingv1beta1.Gateway{gateway("kube-apiserver", defaultLabels, "api.a.dev.example.com", "api.a.dev.internal.example.com")})
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(Equal(exposure.Exposure{Gateways: []envoyfilter.Gateway{{
			Namespace: "istio-ingress", Labels: defaultLabels, LegacyVPNListenerPort: 8132,
			// One passthrough chain for the route's SNI hosts, patched once.
			Chains: []envoyfilter.Chain{chain("api.a.dev.example.com", "api.a.dev.example.com", "api.a.dev.internal.example.com")},
		}}}))
	})

	It("gives each TLS-terminating server one chain, on the listener the Service's target port names", func() {
		found, err := find([]*istionetworkingv1beta1.Gateway{
			terminatingGateway("kube-apiserver", zonalLabels, []string{"api.a.dev.example.com", "api.a.dev.internal.example.com"}, []string{"api-dev--a.wildcard.seed.example.com"}),
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(found.Gateways).To(Equal([]envoyfilter.Gateway{{
			Namespace: "istio-ingress--zone--b", Labels: zonalLabels,
			Chains: []envoyfilter.Chain{
				chain("api-dev--a.wildcard.seed.example.com", "api-dev--a.wildcard.seed.example.com"),
				chain("api.a.dev.example.com", "api.a.dev.example.com", "api.a.dev.internal.example.com"),
			},
		}}))
	})

	It("protects every Gateway of the control plane namespace: kube-apiserver on several gateways and the observability components", func() {
		objects.VirtualServices = []*istionetworkingv1beta1.VirtualService{tlsRoute("kube-apiserver-wildcard", []string{"api-dev--a.wildcard.seed.example.com"})}
		found, err := find([]*istionetworkingv1beta1.Gateway{
			terminatingGateway("kube-apiserver", zonalLabels, []string{"api.a.dev.example.com"}),
			gateway("kube-apiserver-wildcard", defaultLabels, "api-dev--a.wildcard.seed.example.com"),
			terminatingGateway("plutono", defaultLabels, []string{"GU-dev--a.ingress.seed.example.com"}),
			terminatingGateway("prometheus-shoot", defaultLabels, []string{"p-dev--a.ingress.seed.example.com"}),
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(found.Gateways).To(Equal([]envoyfilter.Gateway{
			{Namespace: "istio-ingress", Labels: defaultLabels, LegacyVPNListenerPort: 8132, Chains: []envoyfilter.Chain{
				chain("api-dev--a.wildcard.seed.example.com", "api-dev--a.wildcard.seed.example.com"),
				chain("gu-dev--a.ingress.seed.example.com", "gu-dev--a.ingress.seed.example.com"),
				chain("p-dev--a.ingress.seed.example.com", "p-dev--a.ingress.seed.example.com"),
			}},
			{Namespace: "istio-ingress--zone--b", Labels: zonalLabels, Chains: []envoyfilter.Chain{chain("api.a.dev.example.com", "api.a.dev.example.com")}},
		}))
	})

	It("matches each chain by a server name no other chain of the listener serves", func() {
		found, err := find([]*istionetworkingv1beta1.Gateway{
			terminatingGateway("kube-apiserver", defaultLabels, []string{"api.a.dev.example.com", "shared.a.dev.example.com"}, []string{"a.dev.example.com", "shared.a.dev.example.com"}),
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(found.Gateways[0].Chains).To(Equal([]envoyfilter.Chain{
			chain("a.dev.example.com", "a.dev.example.com", "shared.a.dev.example.com"),
			chain("api.a.dev.example.com", "api.a.dev.example.com", "shared.a.dev.example.com"),
		}))
	})

	It("gives a passthrough host that no TLS route names a chain of its own", func() {
		objects.VirtualServices = []*istionetworkingv1beta1.VirtualService{tlsRoute("kube-apiserver", []string{"api.a.dev.example.com"})}
		found, err := find([]*istionetworkingv1beta1.Gateway{gateway("kube-apiserver", defaultLabels, "api.a.dev.example.com", "./extra.a.dev.example.com")})
		Expect(err).NotTo(HaveOccurred())
		Expect(found.Gateways[0].Chains).To(Equal([]envoyfilter.Chain{
			chain("api.a.dev.example.com", "api.a.dev.example.com"),
			chain("extra.a.dev.example.com", "extra.a.dev.example.com"),
		}))
	})

	It("applies a Gateway to every ingress gateway its selector matches, as istio does", func() {
		found, err := find([]*istionetworkingv1beta1.Gateway{terminatingGateway("kube-apiserver", map[string]string{"app": "istio-ingressgateway"}, []string{"api.a.dev.example.com"})})
		Expect(err).NotTo(HaveOccurred())
		Expect(found.Gateways).To(HaveLen(2))
		Expect(found.Gateways[0].Namespace).To(Equal("istio-ingress"))
		Expect(found.Gateways[1].Namespace).To(Equal("istio-ingress--zone--b"))
	})

	It("ignores Gateways of other namespaces: they belong to other shoots", func() {
		other := gateway("kube-apiserver", defaultLabels, "api.b.dev.example.com")
		other.Namespace = "shoot--dev--b"
		found, err := find([]*istionetworkingv1beta1.Gateway{other})
		Expect(err).NotTo(HaveOccurred())
		Expect(found.Gateways).To(BeEmpty())
	})

	It("puts the shoot's Ingress hosts on the shared wildcard chain of a seed that runs nginx, in lower case", func() {
		found, err := find([]*istionetworkingv1beta1.Gateway{
			terminatingGateway("kube-apiserver", zonalLabels, []string{"api.a.dev.example.com"}),
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
				{Namespace: "istio-ingress--zone--b", Labels: zonalLabels, Chains: []envoyfilter.Chain{chain("api.a.dev.example.com", "api.a.dev.example.com")}},
			},
			SharedSNIHosts: []string{"gu-dev--a.ingress.seed.example.com", "p-dev--a.ingress.seed.example.com"},
		}))
	})

	It("leaves the shared chain out when the shoot has no host on it", func() {
		found, err := find([]*istionetworkingv1beta1.Gateway{observabilityGateway("*.ingress.seed.example.com")},
			ingress("plutono", "gu-dev--a.ingress.elsewhere.example.com", "ingress.seed.example.com"))
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(Equal(exposure.Exposure{Gateways: []envoyfilter.Gateway{}}))
	})

	It("refuses a Gateway whose ingress gateway cannot be found instead of leaving its hosts unprotected", func() {
		_, err := find([]*istionetworkingv1beta1.Gateway{gateway("kube-apiserver", map[string]string{"istio": "gone"}, "api.a.dev.example.com")})
		Expect(err).To(MatchError(ContainSubstring("no istio ingress gateway Deployment has pods with the labels map[istio:gone]")))

		observability := observabilityGateway("*.ingress.seed.example.com")
		observability.Spec.Selector = map[string]string{"istio": "gone"}
		_, err = find([]*istionetworkingv1beta1.Gateway{observability}, ingress("plutono", "gu-dev--a.ingress.seed.example.com"))
		Expect(err).To(MatchError(ContainSubstring("Gateway garden/nginx-ingress-controller")))
	})

	It("refuses a server whose connections cannot be told apart by server name, and skips a plain redirect", func() {
		plain := gateway("vali", defaultLabels, "v-dev--a.ingress.seed.example.com")
		plain.Spec.Servers[0].Port.Protocol, plain.Spec.Servers[0].Tls = "HTTP", nil
		_, err := find([]*istionetworkingv1beta1.Gateway{plain})
		Expect(err).To(MatchError(ContainSubstring("uses protocol HTTP: only TLS connections can be restricted by server name")))

		plain.Spec.Servers[0].Tls = &istioapinetworkingv1beta1.ServerTLSSettings{HttpsRedirect: true}
		found, err := find([]*istionetworkingv1beta1.Gateway{plain})
		Expect(err).NotTo(HaveOccurred())
		Expect(found.Gateways[0].Chains).To(BeEmpty())
	})

	Describe("client addresses", func() {
		kubeAPIServer := []*istionetworkingv1beta1.Gateway{terminatingGateway("kube-apiserver", defaultLabels, []string{"api.a.dev.example.com"})}

		It("reports a gateway whose load balancer Service lets kube-proxy replace client addresses", func() {
			objects.IngressServices = ingressServices("istio-ingress", defaultLabels, corev1.ServiceExternalTrafficPolicyCluster)
			found, err := find(kubeAPIServer)
			Expect(err).NotTo(HaveOccurred())
			Expect(found.ClientAddressesHidden).To(Equal([]string{"istio-ingress"}))
		})

		It("trusts the PROXY protocol on the SNI listener, as gardener configures it when the Seed allows it", func() {
			objects.IngressServices = ingressServices("istio-ingress", defaultLabels, corev1.ServiceExternalTrafficPolicyCluster)
			objects.IngressEnvoyFilters = []*istionetworkingv1alpha3.EnvoyFilter{proxyProtocolFilter("istio-ingress", defaultLabels)}
			found, err := find(kubeAPIServer)
			Expect(err).NotTo(HaveOccurred())
			Expect(found.ClientAddressesHidden).To(BeEmpty())

			objects.IngressEnvoyFilters = []*istionetworkingv1alpha3.EnvoyFilter{proxyProtocolFilter("istio-ingress--zone--b", zonalLabels)}
			found, err = find(kubeAPIServer)
			Expect(err).NotTo(HaveOccurred())
			Expect(found.ClientAddressesHidden).To(Equal([]string{"istio-ingress"}))
		})

		It("sees client addresses with externalTrafficPolicy Local", func() {
			found, err := find(kubeAPIServer)
			Expect(err).NotTo(HaveOccurred())
			Expect(found.ClientAddressesHidden).To(BeEmpty())
		})
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

var _ = Describe("IngressGateways", func() {
	It("gives every ingress gateway Deployment, by the labels it selects its proxies by, with its legacy VPN port", func() {
		withSelector := func(deployment appsv1.Deployment) appsv1.Deployment {
			deployment.Spec.Selector = &metav1.LabelSelector{MatchLabels: deployment.Spec.Template.Labels}
			return deployment
		}
		zonal := withSelector(ingressDeployment("istio-ingress--zone--b", zonalLabels, 9443, 8443))
		byDefault := withSelector(ingressDeployment("istio-ingress", defaultLabels, 9443, 8443, 8132))
		// A proxy pod label the Deployment does not select by stays out of the selector.
		byDefault.Spec.Template.Labels = maps.Clone(defaultLabels)
		byDefault.Spec.Template.Labels["service.istio.io/canonical-name"] = "istio-ingressgateway"
		withoutSelector := ingressDeployment("istio-ingress--zone--c", zonalLabels, 9443)
		other := withSelector(ingressDeployment("garden", map[string]string{"app": "nginx"}, 443))

		Expect(exposure.IngressGateways([]appsv1.Deployment{zonal, byDefault, withoutSelector, other}, nil)).To(Equal([]envoyfilter.Gateway{
			{Namespace: "istio-ingress", Labels: defaultLabels, LegacyVPNListenerPort: 8132},
			{Namespace: "istio-ingress--zone--b", Labels: zonalLabels},
		}))
	})

	It("gives the gateways the nginx observability Gateway selects its hosts as shared SNI chains, whether or not a shoot uses them", func() {
		withSelector := func(deployment appsv1.Deployment) appsv1.Deployment {
			deployment.Spec.Selector = &metav1.LabelSelector{MatchLabels: deployment.Spec.Template.Labels}
			return deployment
		}
		zonal := withSelector(ingressDeployment("istio-ingress--zone--b", zonalLabels, 9443, 8443))
		byDefault := withSelector(ingressDeployment("istio-ingress", defaultLabels, 9443, 8443))
		// A shoot's own Gateway is no observability Gateway, whatever its hosts.
		own := gateway("nginx-ingress-controller", zonalLabels, "*.other.example.com")

		Expect(exposure.IngressGateways([]appsv1.Deployment{zonal, byDefault}, []*istionetworkingv1beta1.Gateway{observabilityGateway("*.ingress.example.com"), own})).To(Equal([]envoyfilter.Gateway{
			{Namespace: "istio-ingress", Labels: defaultLabels, SharedSNIChains: []string{"*.ingress.example.com"}},
			{Namespace: "istio-ingress--zone--b", Labels: zonalLabels},
		}))
	})
})
