// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package gardenerseed_test

import (
	"context"

	"github.com/gardener/gardener/pkg/features"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/component-base/featuregate"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
)

// The facts below are what gardenlet v1.150.0 deploys for a shoot; each names the gardener file it comes from.
// apiserverexposure is pkg/component/kubernetes/apiserverexposure.
var _ = Describe("ControlPlane", func() {
	const (
		namespace    = "shoot--dev--web"
		internalHost = "api.web.dev.internal.example.com"
		externalHost = "api.web.dev.shoots.example.com"
		wildcardHost = "api-dev--web.ingress.seed.example.com"
	)
	var (
		defaultLabels = map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway", "istio-role": "seed"}
		shoot         = gardenerseed.Shoot{}
	)

	It("names the shoot as gardenlet does", func() {
		// ComputeTechnicalID in pkg/utils/gardener/shoot.go, ComputeIngressHost in pkg/gardenlet/operation/operation.go,
		// ConstructInternalClusterDomain in pkg/utils/gardener/shoot.go
		Expect(shoot.TechnicalID()).To(Equal(namespace))
		Expect(shoot.ShortID()).To(Equal("dev--web"))
		Expect(shoot.IngressHost(gardenerseed.Seed{}, "api")).To(Equal(wildcardHost))
		Expect(shoot.InternalAPIServerHost()).To(Equal(internalHost))
		Expect(shoot.ExternalAPIServerHost()).To(Equal(externalHost))
	})

	Describe("with Istio TLS termination (the v1.150 default) and a wildcard certificate", Ordered, func() {
		var (
			seed    = gardenerseed.Seed{WildcardCertificate: true}
			objects []client.Object
		)

		BeforeAll(func() {
			objects = controlPlaneObjects(seed, gardenerseed.Shoot{Alertmanager: true, Logging: true})
		})

		It("terminates TLS in the kube-apiserver Gateway: server tls for the internal and external host, wildcard-tls for the api-<shortID> host", func() {
			// apiserverexposure/sni.go (Deploy: GatewayWithMutualTLS), pkg/utils/istio/gateway.go
			gw := gateway(objects, namespace, "kube-apiserver")
			Expect(gw.Spec.Selector).To(Equal(defaultLabels))
			Expect(layout(gw)).To(Equal([]serverLayout{
				{Port: 443, PortName: "tls", Protocol: "HTTPS", Hosts: []string{internalHost, externalHost}, TLSMode: "OPTIONAL_MUTUAL", CredentialName: namespace + "-kube-apiserver-tls"},
				{Port: 443, PortName: "wildcard-tls", Protocol: "HTTPS", Hosts: []string{wildcardHost}, TLSMode: "OPTIONAL_MUTUAL", CredentialName: namespace + "-kube-apiserver-wildcard-tls"},
			}))
			Expect(names[*istionetworkingv1beta1.Gateway](objects, namespace)).NotTo(ContainElement("kube-apiserver-wildcard"))
		})

		It("routes all hosts over HTTP to the kube-apiserver Services", func() {
			// apiserverexposure/sni.go (VirtualServiceForTLSTermination), apiserverexposure/service.go,
			// pkg/gardenlet/operation/botanist/kubeapiserverexposure.go (DefaultKubeAPIServerService)
			vs := find[*istionetworkingv1beta1.VirtualService](objects, namespace, "kube-apiserver")
			Expect(vs.Spec.Hosts).To(Equal([]string{internalHost, externalHost, wildcardHost}))
			Expect(vs.Spec.Gateways).To(Equal([]string{"kube-apiserver"}))
			Expect(vs.Spec.ExportTo).To(Equal([]string{"istio-ingress"}))
			Expect(vs.Spec.Http).NotTo(BeEmpty())
			Expect(vs.Spec.Tls).To(BeEmpty())
			Expect(names[*istionetworkingv1beta1.DestinationRule](objects, namespace)).To(ContainElements("kube-apiserver", "kube-apiserver-mtls", "kube-apiserver-connection-upgrade"))
			for _, name := range []string{"kube-apiserver", "kube-apiserver-mtls", "kube-apiserver-connection-upgrade"} {
				svc := service(objects, namespace, name)
				Expect(svc.Spec.Selector).To(Equal(map[string]string{"app": "kubernetes", "role": "apiserver"}), name)
				Expect(svc.Annotations).To(HaveKeyWithValue("networking.istio.io/exportTo", "istio-ingress"), name)
			}
			Expect(service(objects, namespace, "kube-apiserver").Spec.ClusterIP).To(Equal(gardenerseed.DefaultAPIServerClusterIP))
		})

		It("writes the EnvoyFilters <ns>-apiserver-proxy and <ns>-istio-tls-termination into the ingress namespace, owned by the control plane namespace", func() {
			// apiserverexposure/templates/envoyfilter-apiserver-proxy.yaml, envoyfilter-istio-tls-termination.yaml
			proxy := envoyFilter(objects, "istio-ingress", namespace+"-apiserver-proxy")
			Expect(proxy.Spec.WorkloadSelector.Labels).To(Equal(defaultLabels))
			Expect(proxy.OwnerReferences).To(ConsistOf(HaveField("Name", namespace)))
			Expect(patchValue(proxy, 0)).To(HaveKeyWithValue("name", namespace+"--kube-apiserver-socket"))
			Expect(patchValue(proxy, 0)["address"]).To(HaveKeyWithValue("pipe", HaveKeyWithValue("path", "@kube-apiservers/"+namespace)))

			termination := envoyFilter(objects, "istio-ingress", namespace+"-istio-tls-termination")
			Expect(termination.Spec.WorkloadSelector.Labels).To(Equal(defaultLabels))
			var routeConfigurations []string
			for _, patch := range termination.Spec.ConfigPatches {
				if rc := patch.Match.GetRouteConfiguration(); rc != nil {
					routeConfigurations = append(routeConfigurations, rc.Name)
				}
			}
			Expect(routeConfigurations).To(ContainElements(
				"https.443.tls.kube-apiserver."+namespace,
				"https.443.wildcard-tls.kube-apiserver."+namespace,
			))
		})

		It("copies the kube-apiserver's TLS secrets into the ingress namespace (with blank data)", func() {
			// apiserverexposure/sni.go (reconcileIstioTLSSecrets)
			Expect(names[*corev1.Secret](objects, "istio-ingress")).To(ContainElements(
				namespace+"-kube-apiserver-tls", namespace+"-kube-apiserver-istio-mtls", namespace+"-kube-apiserver-wildcard-tls",
			))
			for _, secret := range gardenerseed.OfType[*corev1.Secret](objects) {
				for key, value := range secret.Data {
					Expect(value).To(BeEmpty(), secret.Name+"/"+key)
				}
			}
		})

		It("exposes plutono, prometheus, alertmanager and the OpenTelemetry collector (with vali's host) on Gateways in the control plane namespace that terminate TLS on the default gateway", func() {
			// pkg/gardenlet/operation/botanist/plutono.go, monitoring.go, logging.go; Gateways from
			// pkg/component/observability/plutono/plutono.go, monitoring/prometheus/istio_resources.go,
			// monitoring/alertmanager/istio_resources.go, opentelemetry/collector/collector.go
			// (GatewayWithTLSTermination); hosts from ComputeIngressHost in pkg/gardenlet/operation/operation.go
			expected := map[string][]string{
				"plutono-" + namespace: {"gu-dev--web.ingress.seed.example.com"},
				"prometheus-shoot":     {"p-dev--web.ingress.seed.example.com"},
				"alertmanager-shoot":   {"au-dev--web.ingress.seed.example.com"},
				"logging":              {"otc-dev--web.ingress.seed.example.com", "v-dev--web.ingress.seed.example.com"},
			}
			Expect(names[*istionetworkingv1beta1.Gateway](objects, namespace)).To(ConsistOf("kube-apiserver", "plutono-"+namespace, "prometheus-shoot", "alertmanager-shoot", "logging"))
			for name, hosts := range expected {
				gw := gateway(objects, namespace, name)
				Expect(gw.Spec.Selector).To(Equal(defaultLabels), name)
				servers := layout(gw)
				Expect(servers).To(HaveLen(1), name)
				Expect(servers[0]).To(And(
					HaveField("Port", uint32(443)),
					HaveField("Protocol", "HTTPS"),
					HaveField("Hosts", hosts),
					HaveField("TLSMode", "SIMPLE"),
				), name)
			}
		})

		It("puts the basic authentication of plutono, prometheus and alertmanager into EnvoyFilter <ns>-istio-basic-auth-server, matching the 9443 filter chains by SNI", func() {
			// pkg/component/networking/istiobasicauthserver/istiobasicauthserver.go (calculateConfiguration)
			filter := envoyFilter(objects, "istio-ingress", namespace+"-istio-basic-auth-server")
			var snis []string
			for _, patch := range filter.Spec.ConfigPatches {
				listener := patch.Match.GetListener()
				Expect(listener.PortNumber).To(Equal(uint32(9443)))
				snis = append(snis, listener.FilterChain.Sni)
			}
			Expect(snis).To(ConsistOf(
				"gu-dev--web.ingress.seed.example.com", "p-dev--web.ingress.seed.example.com", "au-dev--web.ingress.seed.example.com",
			))
		})

		It("has the vpn-seed-server Service exported to the ingress namespace", func() {
			// pkg/component/networking/vpn/seedserver/seedserver.go (deployService)
			svc := service(objects, namespace, "vpn-seed-server")
			Expect(svc.Annotations).To(HaveKeyWithValue("networking.istio.io/exportTo", "istio-ingress"))
			Expect(svc.Spec.Selector).To(Equal(map[string]string{"app": "vpn-seed-server"}))
		})

		It("advertises the shoot's endpoints in the Cluster's Shoot", func() {
			// pkg/gardenlet/operation/botanist/advertisedaddresses.go (ToAdvertisedAddresses)
			shootObject, err := gardenerseed.ShootFromObjects(objects)
			Expect(err).NotTo(HaveOccurred())
			Expect(shootObject.Status.TechnicalID).To(Equal(namespace))
			var urls []string
			for _, address := range shootObject.Status.AdvertisedAddresses {
				urls = append(urls, address.Name+"="+address.URL)
			}
			Expect(urls).To(ContainElements(
				"external=https://"+externalHost,
				"wildcard-tls-seed-bound=https://"+wildcardHost,
				"internal=https://"+internalHost,
			))
		})

		It("leaves the seed's istio objects to Istio", func() {
			Expect(names[*corev1.Service](objects, "istio-ingress")).To(BeEmpty())
			Expect(names[*istionetworkingv1alpha3.EnvoyFilter](objects, "istio-ingress")).To(ConsistOf(
				namespace+"-apiserver-proxy", namespace+"-istio-tls-termination", namespace+"-istio-basic-auth-server",
			))
		})
	})

	Describe("without Istio TLS termination", func() {
		passthrough := func(objects []client.Object) {
			// apiserverexposure/sni.go (GatewayWithTLSPassthrough, VirtualServiceWithSNIMatch), pkg/utils/istio
			gw := gateway(objects, namespace, "kube-apiserver")
			Expect(layout(gw)).To(Equal([]serverLayout{
				{Port: 443, PortName: "tls", Protocol: "TLS", Hosts: []string{internalHost, externalHost, wildcardHost}, TLSMode: "PASSTHROUGH"},
			}))
			vs := find[*istionetworkingv1beta1.VirtualService](objects, namespace, "kube-apiserver")
			Expect(vs.Spec.Http).To(BeEmpty())
			Expect(vs.Spec.Tls).To(HaveLen(1))
			Expect(vs.Spec.Tls[0].Match[0].SniHosts).To(Equal([]string{internalHost, externalHost, wildcardHost}))
			Expect(names[*istionetworkingv1beta1.DestinationRule](objects, namespace)).NotTo(ContainElements("kube-apiserver-mtls", "kube-apiserver-connection-upgrade"))
			Expect(names[*corev1.Service](objects, namespace)).NotTo(ContainElements("kube-apiserver-mtls", "kube-apiserver-connection-upgrade"))
			// No apiserver-proxy listener and no termination filter: gardener writes only the basic auth one.
			Expect(names[*istionetworkingv1alpha3.EnvoyFilter](objects, "istio-ingress")).To(ConsistOf(namespace + "-istio-basic-auth-server"))
			Expect(names[*corev1.Secret](objects, "istio-ingress")).NotTo(ContainElement(ContainSubstring("kube-apiserver")))
		}

		It("passes TLS through when the gate is off", func() {
			passthrough(controlPlaneObjects(gardenerseed.Seed{WildcardCertificate: true, IstioTLSTermination: ptr.To(false)}, shoot))
		})

		It("passes TLS through when the shoot opts out with shoot.gardener.cloud/disable-istio-tls-termination", func() {
			// ShootUsesIstioTLSTermination in pkg/gardenlet/operation/botanist/kubeapiserverexposure.go,
			// IsShootIstioTLSTerminationEnabled in pkg/api/core/v1beta1/helper/shoot.go
			passthrough(controlPlaneObjects(gardenerseed.Seed{WildcardCertificate: true}, gardenerseed.Shoot{DisableIstioTLSTermination: true}))
		})
	})

	It("has only the tls server without a wildcard certificate", func() {
		// DefaultKubeAPIServerSNI/setAPIServerServiceClusterIPs: WildcardConfiguration only with ControlPlaneWildcardCert
		objects := controlPlaneObjects(gardenerseed.Seed{}, shoot)
		Expect(layout(gateway(objects, namespace, "kube-apiserver"))).To(Equal([]serverLayout{
			{Port: 443, PortName: "tls", Protocol: "HTTPS", Hosts: []string{internalHost, externalHost}, TLSMode: "OPTIONAL_MUTUAL", CredentialName: namespace + "-kube-apiserver-tls"},
		}))
	})

	It("serves a shoot without external domain under its internal domain and the wildcard host only", func() {
		// setAPIServerServiceClusterIPs in pkg/gardenlet/operation/botanist/kubeapiserverexposure.go: the external host
		// only with ExternalClusterDomain
		objects := controlPlaneObjects(gardenerseed.Seed{WildcardCertificate: true}, gardenerseed.Shoot{WithoutDomain: true})
		Expect(gateway(objects, namespace, "kube-apiserver").Spec.Servers[0].Hosts).To(Equal([]string{internalHost}))
		Expect(gateway(objects, namespace, "kube-apiserver").Spec.Servers[1].Hosts).To(Equal([]string{wildcardHost}))
	})

	Describe("on a seed with three zones and an exposure class handler", func() {
		seed := gardenerseed.Seed{Zones: []string{"a", "b", "c"}, ExposureClassHandlers: []string{"internet"}, WildcardCertificate: true}

		expectWildcardOnDefaultGateway := func(objects []client.Object, ingressNamespace string, ingressLabels map[string]string) {
			// apiserverexposure/sni.go (istioGatewayConfigurations): the wildcard host moves to Gateway
			// kube-apiserver-wildcard on the default gateway; the termination filter goes into both namespaces, the
			// apiserver-proxy only into the shoot's.
			Expect(gateway(objects, namespace, "kube-apiserver").Spec.Selector).To(Equal(ingressLabels))
			Expect(layout(gateway(objects, namespace, "kube-apiserver"))).To(Equal([]serverLayout{
				{Port: 443, PortName: "tls", Protocol: "HTTPS", Hosts: []string{internalHost, externalHost}, TLSMode: "OPTIONAL_MUTUAL", CredentialName: namespace + "-kube-apiserver-tls"},
			}))
			wildcard := gateway(objects, namespace, "kube-apiserver-wildcard")
			Expect(wildcard.Spec.Selector).To(Equal(defaultLabels))
			Expect(layout(wildcard)).To(Equal([]serverLayout{
				{Port: 443, PortName: "wildcard-tls", Protocol: "HTTPS", Hosts: []string{wildcardHost}, TLSMode: "OPTIONAL_MUTUAL", CredentialName: namespace + "-kube-apiserver-wildcard-tls"},
			}))
			Expect(names[*istionetworkingv1alpha3.EnvoyFilter](objects, ingressNamespace)).To(ConsistOf(namespace+"-apiserver-proxy", namespace+"-istio-tls-termination"))
			Expect(names[*istionetworkingv1alpha3.EnvoyFilter](objects, "istio-ingress")).To(ConsistOf(namespace+"-istio-tls-termination", namespace+"-istio-basic-auth-server"))
			Expect(service(objects, namespace, "kube-apiserver").Annotations).To(HaveKeyWithValue("networking.istio.io/exportTo", ingressNamespace+",istio-ingress"))
			// Observability stays on the default gateway (WildcardIstioLabels in pkg/gardenlet/operation/istio_config.go).
			Expect(gateway(objects, namespace, "prometheus-shoot").Spec.Selector).To(Equal(defaultLabels))
		}

		ingressGateway := func(shoot gardenerseed.Shoot) gardenerseed.IngressGateway {
			gw, err := gardenerseed.ShootIngressGateway(context.Background(), seed, shoot)
			Expect(err).NotTo(HaveOccurred())
			return gw
		}

		It("exposes a control plane pinned to zone b on the zonal gateway", func() {
			// IstioNamespace/IstioLabels in pkg/gardenlet/operation/istio_config.go
			pinned := gardenerseed.Shoot{Zone: "b"}
			gw := ingressGateway(pinned)
			Expect(gw).To(Equal(gardenerseed.IngressGateway{
				Namespace: "istio-ingress--b",
				Labels:    map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway--zone--b", "istio-role": "seed"},
			}))
			expectWildcardOnDefaultGateway(controlPlaneObjects(seed, pinned), gw.Namespace, gw.Labels)
		})

		It("exposes a highly available control plane on the default gateway", func() {
			ha := gardenerseed.Shoot{HighAvailability: true}
			Expect(ingressGateway(ha)).To(Equal(gardenerseed.IngressGateway{Namespace: "istio-ingress", Labels: defaultLabels}))
			objects := controlPlaneObjects(seed, ha)
			Expect(gateway(objects, namespace, "kube-apiserver").Spec.Selector).To(Equal(defaultLabels))
			// pkg/component/networking/vpn/seedserver/seedserver.go: one Service per HA vpn-seed-server replica
			Expect(names[*corev1.Service](objects, namespace)).To(ContainElements("vpn-seed-server-0", "vpn-seed-server-1"))
		})

		It("exposes a shoot of the exposure class on the handler's gateway", func() {
			// exposureClassHandler and istioLabels in pkg/gardenlet/operation/istio_config.go
			exposed := gardenerseed.Shoot{ExposureClassHandler: "internet", HighAvailability: true}
			gw := ingressGateway(exposed)
			Expect(gw).To(Equal(gardenerseed.IngressGateway{
				Namespace: "istio-ingress-handler-internet",
				Labels: map[string]string{
					"app": "istio-ingressgateway", "gardener.cloud/role": "exposureclass-handler",
					"handler.exposureclass.gardener.cloud/name": "internet", "istio-role": "seed",
				},
			}))
			expectWildcardOnDefaultGateway(controlPlaneObjects(seed, exposed), gw.Namespace, gw.Labels)
		})
	})

	It("exposes vali on a Gateway of its own without the OpenTelemetry collector", func() {
		// deployVali/DefaultVali in pkg/gardenlet/operation/botanist/logging.go,
		// pkg/component/observability/logging/vali/vali.go (getIstioResources: node logging without the collector)
		objects := controlPlaneObjects(
			gardenerseed.Seed{FeatureGates: map[featuregate.Feature]bool{features.OpenTelemetryCollector: false}},
			gardenerseed.Shoot{Logging: true, NodeLogging: true},
		)
		Expect(names[*istionetworkingv1beta1.Gateway](objects, namespace)).To(ConsistOf("kube-apiserver", "plutono-"+namespace, "prometheus-shoot", "vali"))
		Expect(layout(gateway(objects, namespace, "vali"))).To(ConsistOf(And(
			HaveField("Hosts", []string{"v-dev--web.ingress.seed.example.com"}),
			HaveField("TLSMode", "SIMPLE"),
		)))
	})

	It("deploys no observability Gateways for shoots of purpose testing", func() {
		// WantsObservabilityComponents and IsShootMonitoringEnabled in pkg/gardenlet/operation/operation.go
		objects := controlPlaneObjects(gardenerseed.Seed{}, gardenerseed.Shoot{Purpose: "testing"})
		Expect(names[*istionetworkingv1beta1.Gateway](objects, namespace)).To(ConsistOf("kube-apiserver"))
	})
})
