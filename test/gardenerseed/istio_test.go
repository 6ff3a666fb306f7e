// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package gardenerseed_test

import (
	"bytes"

	"github.com/gardener/gardener/pkg/features"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istioapinetworkingv1beta1 "istio.io/api/networking/v1beta1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
)

// The facts below are what gardener v1.150.0 renders; each names the gardener file it comes from. Chart paths are
// relative to pkg/component/networking/istio/charts/istio/istio-ingress/templates.
var _ = Describe("Istio", func() {
	defaultLabels := map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway", "istio-role": "seed"}

	Describe("the default ingress gateway of a single-zone seed", Ordered, func() {
		var objects []client.Object

		BeforeAll(func() {
			objects = istioObjects(gardenerseed.Seed{})
		})

		It("has one ingress namespace, istio-ingress, next to istio-system", func() {
			// pkg/component/networking/istio/istiod.go (Deploy: gatewayNamespace)
			Expect(names[*corev1.Namespace](objects, "")).To(ConsistOf("istio-ingress", "istio-system"))
			namespace := find[*corev1.Namespace](objects, "", "istio-ingress")
			Expect(namespace.Labels).To(HaveKeyWithValue("gardener.cloud/role", "istio-ingress"))
			Expect(namespace.Labels).To(HaveKeyWithValue("istio", "ingressgateway"))
		})

		It("renders two Services with identical selectors: istio-ingressgateway (LoadBalancer) and istio-ingressgateway-internal (ClusterIP)", func() {
			// service.yaml and service-internal.yaml; the labels are gardenlet's SNI ingress labels plus istio-role=seed
			// (sharedcomponent.GetIstioZoneLabels in pkg/component/shared/istio.go).
			Expect(names[*corev1.Service](objects, "istio-ingress")).To(ConsistOf("istio-ingressgateway", "istio-ingressgateway-internal"))
			external := service(objects, "istio-ingress", "istio-ingressgateway")
			internal := service(objects, "istio-ingress", "istio-ingressgateway-internal")
			Expect(external.Spec.Type).To(Equal(corev1.ServiceTypeLoadBalancer))
			Expect(internal.Spec.Type).To(Equal(corev1.ServiceTypeClusterIP))
			Expect(external.Spec.Selector).To(Equal(defaultLabels))
			Expect(internal.Spec.Selector).To(Equal(defaultLabels))
			// The internal Service keeps traffic in the zone (seed Kubernetes >= 1.34: PreferSameZone).
			Expect(internal.Spec.TrafficDistribution).To(HaveValue(Equal(corev1.ServiceTrafficDistributionPreferSameZone)))
		})

		It("exposes 443 → 9443, 8443 (http-proxy) and the legacy reversed-VPN port 8132 on both Services", func() {
			// servicePorts in newIstio, pkg/gardenlet/controller/seed/seed/components.go
			ports := []corev1.ServicePort{
				{Name: "tcp", Port: 443, TargetPort: intstr.FromInt32(9443)},
				{Name: "http-proxy", Port: 8443, TargetPort: intstr.FromInt32(8443)},
				{Name: "tls-tunnel", Port: 8132, TargetPort: intstr.FromInt32(8132)},
			}
			Expect(service(objects, "istio-ingress", "istio-ingressgateway").Spec.Ports).To(Equal(ports))
			Expect(service(objects, "istio-ingress", "istio-ingressgateway-internal").Spec.Ports).To(Equal(ports))
			Expect(service(objects, "istio-ingress", "istio-ingressgateway").Spec.ExternalTrafficPolicy).To(BeEmpty())
		})

		It("runs the gateway as Deployment istio-ingressgateway whose pods carry the Services' selector", func() {
			// deployment.yaml
			deployment := find[*appsv1.Deployment](objects, "istio-ingress", "istio-ingressgateway")
			Expect(deployment).NotTo(BeNil())
			Expect(deployment.Spec.Selector.MatchLabels).To(Equal(defaultLabels))
			for key, value := range defaultLabels {
				Expect(deployment.Spec.Template.Labels).To(HaveKeyWithValue(key, value))
			}
			var ports []int32
			for _, port := range deployment.Spec.Template.Spec.Containers[0].Ports {
				ports = append(ports, port.ContainerPort)
			}
			Expect(ports).To(ContainElements(int32(9443), int32(8443), int32(8132)))
		})

		It("has the shared Gateways http-proxy (8443) and http-connect (8132) selecting the gateway", func() {
			// http-proxy-gateway.yaml, http-connect-gateway.yaml
			Expect(names[*istionetworkingv1beta1.Gateway](objects, "istio-ingress")).To(ConsistOf("http-proxy", "http-connect"))
			Expect(gateway(objects, "istio-ingress", "http-proxy").Spec.Selector).To(Equal(defaultLabels))
			Expect(layout(gateway(objects, "istio-ingress", "http-proxy"))).To(Equal([]serverLayout{{
				Port: 8443, PortName: "http-proxy", Protocol: "HTTP", Hosts: []string{"non-existing-blackhole.garden.svc.cluster.local"},
			}}))
			Expect(layout(gateway(objects, "istio-ingress", "http-connect"))).To(Equal([]serverLayout{{
				Port: 8132, PortName: "tls-tunnel", Protocol: "HTTP", Hosts: []string{"non-existing-blackhole.garden.svc.cluster.local"},
			}}))
		})

		It("writes the chart's EnvoyFilters, with Istio TLS termination on (the v1.150 default)", func() {
			// apiserver-tls-termination-envoyfilter.yaml and strip-trailing-dot-envoyfilter.yaml (terminateAPIServerTLS),
			// vpn-envoy-filter.yaml (reversed-vpn, http-connect-listener: legacy port), http-proxy-envoy-filter.yaml,
			// envoy-filter.yaml (istio-ingressgateway), hsts-envoy-filter.yaml, misdirected-requests-envoy-filter.yaml
			Expect(names[*istionetworkingv1alpha3.EnvoyFilter](objects, "istio-ingress")).To(ConsistOf(
				"apiserver-tls-termination", "strip-trailing-dot", "reversed-vpn", "http-connect-listener", "http-proxy",
				"istio-ingressgateway", "hsts", "misdirected-requests",
			))
		})

		It("matches Seed.IngressGateways", func() {
			Expect(gardenerseed.Seed{}.IngressGateways()).To(Equal([]gardenerseed.IngressGateway{{Namespace: "istio-ingress", Labels: defaultLabels}}))
		})

		It("is deterministic", func() {
			var first, second bytes.Buffer
			Expect(gardenerseed.WriteYAML(&first, objects)).To(Succeed())
			Expect(gardenerseed.WriteYAML(&second, istioObjects(gardenerseed.Seed{}))).To(Succeed())
			Expect(second.String()).To(Equal(first.String()))
		})
	})

	Describe("PROXY protocol and externalTrafficPolicy", Ordered, func() {
		var objects []client.Object

		BeforeAll(func() {
			objects = istioObjects(gardenerseed.Seed{
				ProxyProtocol:         ptr.To(true),
				ExternalTrafficPolicy: ptr.To(corev1.ServiceExternalTrafficPolicyLocal),
			})
		})

		It("sets externalTrafficPolicy on the LoadBalancer Service only", func() {
			// service.yaml; the internal Service is ClusterIP (service-internal.yaml)
			Expect(service(objects, "istio-ingress", "istio-ingressgateway").Spec.ExternalTrafficPolicy).To(Equal(corev1.ServiceExternalTrafficPolicyLocal))
			Expect(service(objects, "istio-ingress", "istio-ingressgateway-internal").Spec.ExternalTrafficPolicy).To(BeEmpty())
		})

		It("terminates the PROXY protocol on 9443, 8443 and 8132 and still accepts connections without it", func() {
			// proxy-protocol-envoyfilter.yaml (terminateLoadBalancerProxyProtocol from
			// Seed.GetLoadBalancerServiceProxyProtocolTermination)
			for name, port := range map[string]uint32{"proxy-protocol-sni": 9443, "proxy-protocol-http-proxy": 8443, "proxy-protocol-vpn": 8132} {
				filter := envoyFilter(objects, "istio-ingress", name)
				Expect(filter.Spec.WorkloadSelector.Labels).To(Equal(defaultLabels), name)
				Expect(filter.Spec.ConfigPatches).To(HaveLen(1), name)
				Expect(filter.Spec.ConfigPatches[0].Match.GetListener().PortNumber).To(Equal(port), name)
				listenerFilters := patchValue(filter, 0)["listener_filters"].([]any)
				proxyProtocol := listenerFilters[0].(map[string]any)
				Expect(proxyProtocol["name"]).To(Equal("proxy_protocol"), name)
				Expect(proxyProtocol["typed_config"]).To(HaveKeyWithValue("allow_requests_without_proxy_protocol", true), name)
			}
			// Only the 9443 patch names the TLS inspector again: the MERGE replaces the listener filters.
			Expect(patchValue(envoyFilter(objects, "istio-ingress", "proxy-protocol-sni"), 0)["listener_filters"]).To(HaveLen(2))
		})
	})

	Describe("feature gates", func() {
		It("drops the legacy port 8132 and everything on it with RemoveHTTPProxyLegacyPort", func() {
			// newIstio (servicePorts), http-connect-gateway.yaml, vpn-envoy-filter.yaml, proxy-protocol-envoyfilter.yaml
			objects := istioObjects(gardenerseed.Seed{RemoveHTTPProxyLegacyPort: ptr.To(true), ProxyProtocol: ptr.To(true)})
			for _, name := range []string{"istio-ingressgateway", "istio-ingressgateway-internal"} {
				Expect(service(objects, "istio-ingress", name).Spec.Ports).To(HaveLen(2))
			}
			Expect(names[*istionetworkingv1beta1.Gateway](objects, "istio-ingress")).To(ConsistOf("http-proxy"))
			Expect(names[*istionetworkingv1alpha3.EnvoyFilter](objects, "istio-ingress")).NotTo(ContainElements("reversed-vpn", "http-connect-listener", "proxy-protocol-vpn"))
			Expect(names[*istionetworkingv1alpha3.EnvoyFilter](objects, "istio-ingress")).To(ContainElements("http-proxy", "proxy-protocol-http-proxy", "proxy-protocol-sni"))
		})

		It("renders no TLS termination filters with IstioTLSTermination off", func() {
			// apiserver-tls-termination-envoyfilter.yaml, strip-trailing-dot-envoyfilter.yaml
			objects := istioObjects(gardenerseed.Seed{IstioTLSTermination: ptr.To(false)})
			Expect(names[*istionetworkingv1alpha3.EnvoyFilter](objects, "istio-ingress")).To(ConsistOf(
				"reversed-vpn", "http-connect-listener", "http-proxy", "istio-ingressgateway", "hsts", "misdirected-requests",
			))
		})

		It("restores the gates after the call", func() {
			before := features.DefaultFeatureGate.Enabled(features.IstioTLSTermination)
			istioObjects(gardenerseed.Seed{IstioTLSTermination: ptr.To(!before)})
			Expect(features.DefaultFeatureGate.Enabled(features.IstioTLSTermination)).To(Equal(before))
		})
	})

	Describe("a seed with three zones and an exposure class handler", Ordered, func() {
		var (
			seed    = gardenerseed.Seed{Zones: []string{"a", "b", "c"}, ExposureClassHandlers: []string{"internet"}}
			objects []client.Object
		)

		BeforeAll(func() {
			objects = istioObjects(seed)
		})

		It("has a gateway per zone and per exposure class handler and zone", func() {
			// newIstio in pkg/gardenlet/controller/seed/seed/components.go; GetIstioNamespaceForZone and
			// GetIstioZoneLabels in pkg/component/shared/istio.go; handler defaults in
			// pkg/apis/config/gardenlet/v1alpha1/defaults.go (SetDefaults_ExposureClassHandler) and
			// GetMandatoryExposureClassHandlerSNILabels in pkg/utils/gardener/exposureclass.go
			handler := func(role string) map[string]string {
				return map[string]string{"app": "istio-ingressgateway", "gardener.cloud/role": role, "handler.exposureclass.gardener.cloud/name": "internet", "istio-role": "seed"}
			}
			zonal := func(zone string) map[string]string {
				return map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway--zone--" + zone, "istio-role": "seed"}
			}
			expected := []gardenerseed.IngressGateway{
				{Namespace: "istio-ingress", Labels: defaultLabels},
				{Namespace: "istio-ingress--a", Labels: zonal("a")},
				{Namespace: "istio-ingress--b", Labels: zonal("b")},
				{Namespace: "istio-ingress--c", Labels: zonal("c")},
				{Namespace: "istio-ingress-handler-internet", Labels: handler("exposureclass-handler")},
				{Namespace: "istio-ingress-handler-internet--a", Labels: handler("exposureclass-handler--zone--a")},
				{Namespace: "istio-ingress-handler-internet--b", Labels: handler("exposureclass-handler--zone--b")},
				{Namespace: "istio-ingress-handler-internet--c", Labels: handler("exposureclass-handler--zone--c")},
			}
			Expect(seed.IngressGateways()).To(Equal(expected))

			for _, gw := range expected {
				Expect(find[*corev1.Namespace](objects, "", gw.Namespace)).NotTo(BeNil(), gw.Namespace)
				Expect(names[*corev1.Service](objects, gw.Namespace)).To(ConsistOf("istio-ingressgateway", "istio-ingressgateway-internal"), gw.Namespace)
				Expect(service(objects, gw.Namespace, "istio-ingressgateway").Spec.Selector).To(Equal(gw.Labels), gw.Namespace)
				Expect(service(objects, gw.Namespace, "istio-ingressgateway-internal").Spec.Selector).To(Equal(gw.Labels), gw.Namespace)
				Expect(find[*appsv1.Deployment](objects, gw.Namespace, "istio-ingressgateway").Spec.Selector.MatchLabels).To(Equal(gw.Labels), gw.Namespace)
				Expect(names[*istionetworkingv1beta1.Gateway](objects, gw.Namespace)).To(ConsistOf("http-proxy", "http-connect"), gw.Namespace)
				Expect(gateway(objects, gw.Namespace, "http-proxy").Spec.Selector).To(Equal(gw.Labels), gw.Namespace)
			}
		})

		It("pins the zonal gateways' namespaces to their zone", func() {
			// pkg/component/networking/istio/istiod.go (Deploy: high-availability-config annotations)
			Expect(find[*corev1.Namespace](objects, "", "istio-ingress--b").Annotations).To(And(
				HaveKeyWithValue("high-availability-config.resources.gardener.cloud/zones", "b"),
				HaveKeyWithValue("high-availability-config.resources.gardener.cloud/zone-pinning", "true"),
			))
			Expect(find[*corev1.Namespace](objects, "", "istio-ingress").Annotations).To(
				HaveKeyWithValue("high-availability-config.resources.gardener.cloud/zones", "a,b,c"))
		})
	})

	It("deploys no zonal gateways when zonal ingress is disabled", func() {
		// v1beta1helper.SeedSettingZonalIngressEnabled in newIstio
		seed := gardenerseed.Seed{Zones: []string{"a", "b"}, ZonalIngress: ptr.To(false)}
		Expect(names[*corev1.Namespace](istioObjects(seed), "")).To(ConsistOf("istio-ingress", "istio-system"))
		Expect(seed.IngressGateways()).To(HaveLen(1))
	})

	It("deploys nginx, with its passthrough Gateway for the seed's ingress domain, only while DisableNginxIngressInSeed is off", func() {
		// newNginxIngressController in pkg/gardenlet/controller/seed/seed/components.go;
		// pkg/component/networking/nginxingress/nginxingress.go (GatewayWithTLSPassthrough for the domains)
		Expect(names[*istionetworkingv1beta1.Gateway](istioObjects(gardenerseed.Seed{}), "garden")).To(BeEmpty())

		objects := istioObjects(gardenerseed.Seed{NginxIngress: true})
		nginx := gateway(objects, "garden", "nginx-ingress-controller")
		Expect(nginx).NotTo(BeNil())
		Expect(nginx.Spec.Selector).To(Equal(defaultLabels))
		Expect(nginx.Spec.Servers).To(ConsistOf(And(
			HaveField("Hosts", ConsistOf("*."+gardenerseed.DefaultIngressDomain)),
			HaveField("Port.Number", BeEquivalentTo(443)),
			HaveField("Tls.Mode", istioapinetworkingv1beta1.ServerTLSSettings_PASSTHROUGH),
		)))
	})
})
