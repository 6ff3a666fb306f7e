// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package gardenerseed

import (
	"context"
	"fmt"

	"github.com/Masterminds/semver/v3"
	v1beta1helper "github.com/gardener/gardener/pkg/api/core/v1beta1/helper"
	gardenletconfigv1alpha1 "github.com/gardener/gardener/pkg/apis/config/gardenlet/v1alpha1"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	v1beta1constants "github.com/gardener/gardener/pkg/apis/core/v1beta1/constants"
	"github.com/gardener/gardener/pkg/chartrenderer"
	"github.com/gardener/gardener/pkg/component"
	"github.com/gardener/gardener/pkg/component/networking/istiobasicauthserver"
	vpnseedserver "github.com/gardener/gardener/pkg/component/networking/vpn/seedserver"
	sharedcomponent "github.com/gardener/gardener/pkg/component/shared"
	"github.com/gardener/gardener/pkg/features"
	seedpkg "github.com/gardener/gardener/pkg/gardenlet/operation/seed"
	"github.com/gardener/gardener/pkg/utils"
	gardenerutils "github.com/gardener/gardener/pkg/utils/gardener"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/component-base/featuregate"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Defaults of a Seed whose fields are left empty.
const (
	// DefaultSeedName is the name of the Seed.
	DefaultSeedName = "seed"
	// DefaultIngressDomain is the Seed's ingress domain (spec.ingress.domain).
	DefaultIngressDomain = "ingress.seed.example.com"
	// DefaultSeedKubernetesVersion is the Kubernetes version of the seed cluster (gardenlet's SeedVersion). The
	// istio-ingress chart picks the internal Service's trafficDistribution by it.
	DefaultSeedKubernetesVersion = "1.36.4"
	// DefaultSeedPodCIDR is the seed's pod network (spec.networks.pods).
	DefaultSeedPodCIDR = "100.64.0.0/12"
	// DefaultSeedNodeCIDR is the seed's node network (spec.networks.nodes), where the seed's own components and, behind
	// a load balancer that does not keep client addresses, every client connect from.
	DefaultSeedNodeCIDR = "10.1.0.0/16"
)

// Seed describes the seed whose objects the fixtures produce: the parts of the Seed resource and of gardenlet's
// configuration and feature gates that change what gardener renders for istio and for a shoot's control plane.
type Seed struct {
	// Name is the Seed's name; DefaultSeedName when empty.
	Name string
	// IngressDomain is the Seed's ingress domain; DefaultIngressDomain when empty.
	IngressDomain string
	// Zones are the seed's availability zones (spec.provider.zones).
	Zones []string
	// ZonalIngress is spec.settings.loadBalancerServices.zonalIngress.enabled; gardener's default (true) when nil.
	// Zonal ingress gateways exist only on seeds with more than one zone.
	ZonalIngress *bool
	// ExposureClassHandlers are the names of gardenlet's exposure class handlers (gardenlet configuration
	// exposureClassHandlers), each with gardenlet's defaults: namespace istio-ingress-handler-<name> and labels
	// app=istio-ingressgateway, gardener.cloud/role=exposureclass-handler.
	ExposureClassHandlers []string
	// ExternalTrafficPolicy is spec.settings.loadBalancerServices.externalTrafficPolicy.
	ExternalTrafficPolicy *corev1.ServiceExternalTrafficPolicy
	// ProxyProtocol is spec.settings.loadBalancerServices.proxyProtocol.allowed: the load balancers send the PROXY
	// protocol and the ingress gateways terminate it.
	ProxyProtocol *bool
	// IstioTLSTermination sets gardenlet's feature gate IstioTLSTermination for the call; gardener's default (on in
	// v1.150) when nil.
	IstioTLSTermination *bool
	// RemoveHTTPProxyLegacyPort sets gardenlet's feature gate RemoveHTTPProxyLegacyPort for the call; when on, the
	// legacy reversed-VPN port 8132 is gone. Gardener's default (off in v1.150) when nil.
	RemoveHTTPProxyLegacyPort *bool
	// FeatureGates sets further gardenlet feature gates for the call, e.g. OpenTelemetryCollector or
	// VictoriaLogsBackend; IstioTLSTermination and RemoveHTTPProxyLegacyPort above take precedence.
	FeatureGates map[featuregate.Feature]bool
	// NginxIngress keeps the seed's nginx ingress controller (gardenlet's feature gate DisableNginxIngressInSeed off),
	// so Istio also returns what gardener's nginx-ingress component deploys: among others the Gateway
	// garden/nginx-ingress-controller, TLS passthrough of the seed's wildcard ingress domain to nginx.
	NginxIngress bool
	// WildcardCertificate makes the seed hold a wildcard certificate for its ingress domain (a Secret labelled
	// gardener.cloud/role=controlplane-cert in the garden namespace), so shoots get the api-<shortID> endpoint.
	WildcardCertificate bool
	// KubernetesVersion is the seed cluster's Kubernetes version; DefaultSeedKubernetesVersion when empty.
	KubernetesVersion string
	// Mutate, when set, changes the Seed resource after the fixture built it, e.g. for zone-specific load balancer
	// settings.
	Mutate func(*gardencorev1beta1.Seed)
}

func (s Seed) name() string {
	if s.Name != "" {
		return s.Name
	}
	return DefaultSeedName
}

func (s Seed) ingressDomain() string {
	if s.IngressDomain != "" {
		return s.IngressDomain
	}
	return DefaultIngressDomain
}

func (s Seed) kubernetesVersion() string {
	if s.KubernetesVersion != "" {
		return s.KubernetesVersion
	}
	return DefaultSeedKubernetesVersion
}

// Object returns the Seed resource the fixtures hand to gardener's code.
func (s Seed) Object() *gardencorev1beta1.Seed {
	seed := &gardencorev1beta1.Seed{
		ObjectMeta: metav1.ObjectMeta{Name: s.name()},
		Spec: gardencorev1beta1.SeedSpec{
			Provider: gardencorev1beta1.SeedProvider{Type: "local", Region: "local", Zones: append([]string(nil), s.Zones...)},
			Ingress:  &gardencorev1beta1.Ingress{Domain: s.ingressDomain(), Controller: gardencorev1beta1.IngressController{Kind: v1beta1constants.IngressKindNginx}},
			Networks: gardencorev1beta1.SeedNetworks{Nodes: new(DefaultSeedNodeCIDR), Pods: DefaultSeedPodCIDR, Services: "100.80.0.0/13"},
			Settings: &gardencorev1beta1.SeedSettings{
				LoadBalancerServices: &gardencorev1beta1.SeedSettingLoadBalancerServices{
					ExternalTrafficPolicy: s.ExternalTrafficPolicy,
				},
			},
		},
	}
	if s.ProxyProtocol != nil {
		seed.Spec.Settings.LoadBalancerServices.ProxyProtocol = &gardencorev1beta1.LoadBalancerServicesProxyProtocol{Allowed: *s.ProxyProtocol}
	}
	if s.ZonalIngress != nil {
		seed.Spec.Settings.LoadBalancerServices.ZonalIngress = &gardencorev1beta1.SeedSettingLoadBalancerServicesZonalIngress{Enabled: s.ZonalIngress}
	}
	if s.Mutate != nil {
		s.Mutate(seed)
	}
	return seed
}

// GardenletConfiguration returns gardenlet's configuration for the seed, defaulted as gardenlet defaults it
// (SetObjectDefaults_GardenletConfiguration): the SNI ingress (namespace istio-ingress, labels app=istio-ingressgateway,
// istio=ingressgateway) and the exposure class handlers.
func (s Seed) GardenletConfiguration() *gardenletconfigv1alpha1.GardenletConfiguration {
	return s.gardenletConfiguration(nil)
}

// gardenletConfiguration returns gardenlet's configuration with the logging settings given, defaulted afterwards like
// gardenlet defaults its configuration file (the vali and victoria-logs settings default to logging.enabled).
func (s Seed) gardenletConfiguration(logging *gardenletconfigv1alpha1.Logging) *gardenletconfigv1alpha1.GardenletConfiguration {
	config := &gardenletconfigv1alpha1.GardenletConfiguration{Logging: logging}
	for _, handler := range s.ExposureClassHandlers {
		config.ExposureClassHandlers = append(config.ExposureClassHandlers, gardenletconfigv1alpha1.ExposureClassHandler{Name: handler})
	}
	gardenletconfigv1alpha1.SetObjectDefaults_GardenletConfiguration(config)
	return config
}

// featureGates are gardenlet's feature gates the seed sets for a call.
func (s Seed) featureGates() map[featuregate.Feature]bool {
	gates := map[featuregate.Feature]bool{}
	for gate, enabled := range s.FeatureGates {
		gates[gate] = enabled
	}
	if s.NginxIngress {
		gates[features.DisableNginxIngressInSeed] = false
	}
	if s.IstioTLSTermination != nil {
		gates[features.IstioTLSTermination] = *s.IstioTLSTermination
	}
	if s.RemoveHTTPProxyLegacyPort != nil {
		gates[features.RemoveHTTPProxyLegacyPort] = *s.RemoveHTTPProxyLegacyPort
	}
	return gates
}

// IngressGateway is one istio ingress gateway of a seed: the namespace it runs in and the labels its pods carry, which
// the Gateways of the shoots select.
type IngressGateway struct {
	// Namespace is the istio ingress namespace, e.g. istio-ingress.
	Namespace string
	// Labels are the gateway pods' labels, e.g. app=istio-ingressgateway, istio=ingressgateway, istio-role=seed.
	Labels map[string]string
}

// IngressGateways returns the seed's istio ingress gateways as gardenlet's seed reconciler computes them (newIstio in
// pkg/gardenlet/controller/seed/seed/components.go): the default one first, then the zonal ones, then per exposure
// class handler its own and its zonal ones.
func (s Seed) IngressGateways() []IngressGateway {
	config := s.GardenletConfiguration()
	seed := s.Object()
	zonal := len(seed.Spec.Provider.Zones) > 1 && v1beta1helper.SeedSettingZonalIngressEnabled(seed.Spec.Settings)

	labels := sharedcomponent.GetIstioZoneLabels(config.SNI.Ingress.Labels, nil)
	gateways := []IngressGateway{{Namespace: *config.SNI.Ingress.Namespace, Labels: labels}}
	if zonal {
		for _, zone := range seed.Spec.Provider.Zones {
			gateways = append(gateways, IngressGateway{
				Namespace: sharedcomponent.GetIstioNamespaceForZone(*config.SNI.Ingress.Namespace, zone),
				Labels:    sharedcomponent.GetIstioZoneLabels(labels, &zone),
			})
		}
	}
	for _, handler := range config.ExposureClassHandlers {
		handlerLabels := gardenerutils.GetMandatoryExposureClassHandlerSNILabels(handler.SNI.Ingress.Labels, handler.Name)
		gateways = append(gateways, IngressGateway{
			Namespace: *handler.SNI.Ingress.Namespace,
			Labels:    sharedcomponent.GetIstioZoneLabels(handlerLabels, nil),
		})
		if zonal {
			for _, zone := range seed.Spec.Provider.Zones {
				gateways = append(gateways, IngressGateway{
					Namespace: sharedcomponent.GetIstioNamespaceForZone(*handler.SNI.Ingress.Namespace, zone),
					Labels:    sharedcomponent.GetIstioZoneLabels(handlerLabels, &zone),
				})
			}
		}
	}
	return gateways
}

// Istio returns the objects gardener v1.150's istio component deploys into the seed for all of the seed's istio
// ingress gateways (see IngressGateways) and istiod: per ingress namespace the Namespace, the Services
// istio-ingressgateway (LoadBalancer) and istio-ingressgateway-internal (ClusterIP), the gateway Deployment,
// autoscaling, the Gateways http-proxy and http-connect and the EnvoyFilters of the istio-ingress chart. It builds the
// component exactly as gardenlet's seed reconciler does (newIstio in pkg/gardenlet/controller/seed/seed/components.go,
// sharedcomponent.NewIstio and AddIstioIngressGateway), deploys it into a fake client and returns the contents of the
// ManagedResources istio and istio-system.
func Istio(ctx context.Context, s Seed) ([]client.Object, error) {
	var objects []client.Object
	err := withGlobals(s.featureGates(), func() error {
		env, err := newEnvironment(nil)
		if err != nil {
			return err
		}
		if err := deployIstio(ctx, env.client, s); err != nil {
			return err
		}
		if err := deployNginxIngress(ctx, env.client, s); err != nil {
			return err
		}
		objects, err = env.objects(ctx)
		return err
	})
	return objects, err
}

// deployIstio mirrors newIstio of pkg/gardenlet/controller/seed/seed/components.go (gardener v1.150.0) line by line;
// the seed reconciler's receiver fields become the fixture's seed, gardenlet configuration and fake client.
func deployIstio(ctx context.Context, c client.Client, s Seed) error {
	seedVersion, err := semver.NewVersion(s.kubernetesVersion())
	if err != nil {
		return fmt.Errorf("failed to parse the seed's Kubernetes version: %w", err)
	}
	seed := &seedpkg.Seed{}
	seed.SetInfo(s.Object())
	config := s.GardenletConfiguration()
	chartRenderer := chartrenderer.NewWithServerVersion(&version.Info{GitVersion: "v" + seedVersion.String(), Major: fmt.Sprint(seedVersion.Major()), Minor: fmt.Sprint(seedVersion.Minor())})
	const seedIsGarden = false

	labels := sharedcomponent.GetIstioZoneLabels(config.SNI.Ingress.Labels, nil)

	httpProxyLegacyPortEnabled := !features.DefaultFeatureGate.Enabled(features.RemoveHTTPProxyLegacyPort)

	servicePorts := []corev1.ServicePort{
		{Name: "tcp", Port: 443, TargetPort: intstr.FromInt32(9443)},
		{Name: "http-proxy", Port: vpnseedserver.HTTPProxyGatewayPort, TargetPort: intstr.FromInt(vpnseedserver.HTTPProxyGatewayPort)},
	}

	if httpProxyLegacyPortEnabled {
		servicePorts = append(servicePorts, corev1.ServicePort{Name: "tls-tunnel", Port: vpnseedserver.GatewayPort, TargetPort: intstr.FromInt32(vpnseedserver.GatewayPort)})
	}

	istioDeployer, err := sharedcomponent.NewIstio(
		ctx,
		c,
		chartRenderer,
		"",
		*config.SNI.Ingress.Namespace,
		v1beta1constants.PriorityClassNameSeedSystemCritical,
		!seedIsGarden,
		labels,
		[]string{
			gardenerutils.NetworkPolicyLabel(v1beta1constants.GardenNamespace+"-"+v1beta1constants.DeploymentNameIstioBasicAuthServer, istiobasicauthserver.Port),
		},
		seed.GetLoadBalancerServiceAnnotations(),
		seed.GetLoadBalancerServiceClass(),
		seed.GetLoadBalancerServiceExternalTrafficPolicy(),
		config.SNI.Ingress.ServiceExternalIP,
		servicePorts,
		seed.GetLoadBalancerServiceProxyProtocolTermination(),
		true,
		httpProxyLegacyPortEnabled,
		seed.GetInfo().Spec.Provider.Zones,
		seed.IsDualStack(),
		seedVersion,
	)
	if err != nil {
		return fmt.Errorf("failed to create the istio deployer: %w", err)
	}

	zonalGatewaysInUse, err := sharedcomponent.AreZonalGatewaysInUse(ctx, c, seed.GetInfo().Spec.Provider.Zones)
	if err != nil {
		return fmt.Errorf("failed to check zonal gateway usage: %w", err)
	}
	if len(seed.GetInfo().Spec.Provider.Zones) > 1 && (v1beta1helper.SeedSettingZonalIngressEnabled(seed.GetInfo().Spec.Settings) || zonalGatewaysInUse) {
		for _, zone := range seed.GetInfo().Spec.Provider.Zones {
			if err := sharedcomponent.AddIstioIngressGateway(
				ctx,
				c,
				istioDeployer,
				sharedcomponent.GetIstioNamespaceForZone(*config.SNI.Ingress.Namespace, zone),
				seed.GetZonalLoadBalancerServiceAnnotations(zone),
				sharedcomponent.GetIstioZoneLabels(labels, &zone),
				seed.GetLoadBalancerServiceClass(),
				seed.GetZonalLoadBalancerServiceExternalTrafficPolicy(zone),
				nil,
				&zone,
				seed.IsDualStack(),
				seed.GetZonalLoadBalancerServiceProxyProtocolTermination(zone),
				seedVersion,
			); err != nil {
				return fmt.Errorf("failed to add the zonal ingress gateway of zone %s: %w", zone, err)
			}
		}
	}

	for _, handler := range config.ExposureClassHandlers {
		if err := sharedcomponent.AddIstioIngressGateway(
			ctx,
			c,
			istioDeployer,
			*handler.SNI.Ingress.Namespace,
			utils.MergeStringMaps(seed.GetLoadBalancerServiceAnnotations(), handler.LoadBalancerService.Annotations),
			sharedcomponent.GetIstioZoneLabels(gardenerutils.GetMandatoryExposureClassHandlerSNILabels(handler.SNI.Ingress.Labels, handler.Name), nil),
			handler.LoadBalancerService.DeepCopy().Class,
			seed.GetLoadBalancerServiceExternalTrafficPolicy(),
			handler.SNI.Ingress.ServiceExternalIP,
			nil,
			seed.IsDualStack(),
			seed.GetLoadBalancerServiceProxyProtocolTermination(),
			seedVersion,
		); err != nil {
			return fmt.Errorf("failed to add the ingress gateway of exposure class handler %s: %w", handler.Name, err)
		}

		if len(seed.GetInfo().Spec.Provider.Zones) > 1 && (v1beta1helper.SeedSettingZonalIngressEnabled(seed.GetInfo().Spec.Settings) || zonalGatewaysInUse) {
			for _, zone := range seed.GetInfo().Spec.Provider.Zones {
				if err := sharedcomponent.AddIstioIngressGateway(
					ctx,
					c,
					istioDeployer,
					sharedcomponent.GetIstioNamespaceForZone(*handler.SNI.Ingress.Namespace, zone),
					utils.MergeStringMaps(seed.GetZonalLoadBalancerServiceAnnotations(zone), handler.LoadBalancerService.Annotations),
					sharedcomponent.GetIstioZoneLabels(gardenerutils.GetMandatoryExposureClassHandlerSNILabels(handler.SNI.Ingress.Labels, handler.Name), &zone),
					handler.LoadBalancerService.DeepCopy().Class,
					seed.GetZonalLoadBalancerServiceExternalTrafficPolicy(zone),
					nil,
					&zone,
					seed.IsDualStack(),
					seed.GetZonalLoadBalancerServiceProxyProtocolTermination(zone),
					seedVersion,
				); err != nil {
					return fmt.Errorf("failed to add the zonal ingress gateway of exposure class handler %s in zone %s: %w", handler.Name, zone, err)
				}
			}
		}
	}

	if err := istioDeployer.Deploy(ctx); err != nil {
		return fmt.Errorf("failed to deploy istio: %w", err)
	}
	return nil
}

// deployNginxIngress mirrors newNginxIngressController of pkg/gardenlet/controller/seed/seed/components.go (gardener
// v1.150.0): with DisableNginxIngressInSeed on, the component is destroyed and nothing is deployed. The nginx
// configuration (getConfig of pkg/gardenlet/controller/seed/seed/nginxingress.go, unexported) only fills nginx's own
// ConfigMap and is left empty.
func deployNginxIngress(ctx context.Context, c client.Client, s Seed) error {
	if features.DefaultFeatureGate.Enabled(features.DisableNginxIngressInSeed) {
		return nil
	}
	seedVersion, err := semver.NewVersion(s.kubernetesVersion())
	if err != nil {
		return fmt.Errorf("failed to parse the seed's Kubernetes version: %w", err)
	}
	seed := &seedpkg.Seed{}
	seed.SetInfo(s.Object())
	config := s.GardenletConfiguration()
	const seedIsGarden = false

	nginx, err := sharedcomponent.NewNginxIngress(
		c,
		v1beta1constants.GardenNamespace,
		v1beta1constants.GardenNamespace,
		seedVersion,
		nil,
		seed.GetLoadBalancerServiceAnnotations(),
		nil,
		v1beta1constants.PriorityClassNameSeedSystem600,
		true,
		component.ClusterTypeSeed,
		"",
		v1beta1constants.SeedNginxIngressClass,
		[]string{seed.GetIngressFQDN("*")},
		sharedcomponent.GetIstioZoneLabels(config.SNI.Ingress.Labels, nil),
		*config.SNI.Ingress.Namespace,
		seedIsGarden,
		false,
	)
	if err != nil {
		return fmt.Errorf("failed to create the nginx ingress deployer: %w", err)
	}
	if err := nginx.Deploy(ctx); err != nil {
		return fmt.Errorf("failed to deploy the nginx ingress controller: %w", err)
	}
	return nil
}
