// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package exposure

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	v1beta1constants "github.com/gardener/gardener/pkg/apis/core/v1beta1/constants"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
)

const (
	// ObservabilityGatewayPrefix starts the names of the istio Gateways of the seed's garden namespace through which
	// the seed's nginx ingress controller is reached on seeds that still run it (gardener names them
	// nginx-ingress-controller plus a suffix); since gardener v1.141 the observability components have Gateways of their
	// own in the control plane namespace instead.
	ObservabilityGatewayPrefix = "nginx-ingress-controller"
	// legacyVPNPort is the container port of the legacy reversed-VPN listener of gardener's ingress gateways
	// (vpnseedserver.GatewayPort, rendered while the RemoveHTTPProxyLegacyPort feature gate is off).
	legacyVPNPort = 8132
)

// Objects are the seed objects that decide through which ingress gateways a shoot is reached.
type Objects struct {
	// ControlPlaneNamespace is the shoot's control plane namespace (its technical ID).
	ControlPlaneNamespace string
	// Gateways are the istio Gateways of the control plane namespace and of the seed's garden namespace; others are
	// ignored.
	Gateways []*istionetworkingv1beta1.Gateway
	// VirtualServices are the VirtualServices of the control plane namespace: they decide how istio groups the hosts of
	// a TLS passthrough server into filter chains.
	VirtualServices []*istionetworkingv1beta1.VirtualService
	// Ingresses are the Ingresses of the control plane namespace (observability components on seeds with nginx).
	Ingresses []networkingv1.Ingress
	// IngressDeployments are the Deployments of the seed's istio ingress gateways: their pods are the proxies istio
	// configures, the workloads Gateways and EnvoyFilters select.
	IngressDeployments []appsv1.Deployment
	// IngressServices are the Services of the seed's istio ingress gateways.
	IngressServices []corev1.Service
	// IngressEnvoyFilters are the EnvoyFilters gardener deploys in the ingress gateways' namespaces (PROXY protocol).
	IngressEnvoyFilters []*istionetworkingv1alpha3.EnvoyFilter
}

// Exposure is how a shoot is reached through the seed's istio ingress gateways.
type Exposure struct {
	// Gateways are the ingress gateways that serve the shoot.
	Gateways []envoyfilter.Gateway
	// SharedSNIHosts are the shoot's hosts on the gateways' shared SNI chains.
	SharedSNIHosts []string
	// ClientAddressesHidden are the namespaces of the ingress gateways that serve the shoot but cannot see client
	// addresses (see clientAddressesHidden): there the rules cannot tell clients apart.
	ClientAddressesHidden []string
}

// Find returns the ingress gateways that serve a shoot. Every istio Gateway of its control plane namespace serves the
// shoot alone (kube-apiserver, its wildcard and ingress-domain hosts, plutono, prometheus, alertmanager, vali, ...) and
// gives filter chains of its own; the seed's nginx observability Gateway (see IsObservabilityGateway) gives the shared
// wildcard chains that serve the hosts of the shoot's Ingresses. A Gateway applies to every ingress gateway whose proxies
// its selector matches, as istio applies it. A Gateway without such a gateway, or with a server whose connections
// cannot be told apart by server name, is an error: its hosts would otherwise stay unprotected.
func Find(objects Objects) (Exposure, error) {
	workloads := ingressWorkloads(objects.IngressDeployments, objects.IngressServices)
	byNamespace := map[string]*envoyfilter.Gateway{}
	targetsOf := func(gateway *istionetworkingv1beta1.Gateway) ([]ingressWorkload, error) {
		selected, err := workloadsSelectedBy(gateway.Spec.GetSelector(), workloads)
		if err != nil {
			return nil, fmt.Errorf("failed to find the ingress gateway of Gateway %s/%s: %w", gateway.Namespace, gateway.Name, err)
		}
		for _, workload := range selected {
			if _, ok := byNamespace[workload.deployment.Namespace]; ok {
				continue
			}
			target := &envoyfilter.Gateway{Namespace: workload.deployment.Namespace, Labels: maps.Clone(gateway.Spec.GetSelector())}
			if workload.hasContainerPort(legacyVPNPort) {
				target.LegacyVPNListenerPort = legacyVPNPort
			}
			byNamespace[workload.deployment.Namespace] = target
		}
		return selected, nil
	}

	ingressHosts := hostsOf(objects.Ingresses)
	var sharedSNIHosts []string
	for _, gateway := range objects.Gateways {
		switch {
		case gateway.Namespace == objects.ControlPlaneNamespace:
			selected, err := targetsOf(gateway)
			if err != nil {
				return Exposure{}, err
			}
			for _, workload := range selected {
				target := byNamespace[workload.deployment.Namespace]
				for _, server := range gateway.Spec.GetServers() {
					port, err := workload.listenerPort(server.GetPort().GetNumber())
					if err != nil {
						return Exposure{}, err
					}
					chains, err := serverChains(gateway, server, port, objects.VirtualServices)
					if err != nil {
						return Exposure{}, err
					}
					target.Chains = append(target.Chains, chains...)
				}
			}

		case gateway.Namespace == v1beta1constants.GardenNamespace && IsObservabilityGateway(gateway.Name):
			for _, server := range gateway.Spec.GetServers() {
				for _, chain := range server.GetHosts() {
					served := slices.DeleteFunc(slices.Clone(ingressHosts), func(host string) bool { return !serves(chain, host) })
					if len(served) == 0 {
						continue
					}
					selected, err := targetsOf(gateway)
					if err != nil {
						return Exposure{}, err
					}
					for _, workload := range selected {
						target := byNamespace[workload.deployment.Namespace]
						target.SharedSNIChains = append(target.SharedSNIChains, chain)
					}
					sharedSNIHosts = append(sharedSNIHosts, served...)
				}
			}
		}
	}

	result := Exposure{Gateways: make([]envoyfilter.Gateway, 0, len(byNamespace))}
	for _, namespace := range slices.Sorted(maps.Keys(byNamespace)) {
		gateway := byNamespace[namespace]
		gateway.Chains = withMatches(gateway.Chains)
		gateway.SharedSNIChains = sortedUnique(gateway.SharedSNIChains)
		result.Gateways = append(result.Gateways, *gateway)
		for _, workload := range workloads {
			if workload.deployment.Namespace == namespace && workload.clientAddressesHidden(objects.IngressEnvoyFilters, envoyfilter.SNIListenerPort) {
				result.ClientAddressesHidden = append(result.ClientAddressesHidden, namespace)
				break
			}
		}
	}
	result.SharedSNIHosts = sortedUnique(sharedSNIHosts)
	return result, nil
}

// IsIngressGatewayObject tells by its labels whether an object belongs to one of the seed's istio ingress gateways.
func IsIngressGatewayObject(labels map[string]string) bool {
	return labels[constants.IngressGatewayLabelKey] == constants.IngressGatewayLabelValue
}

// IsObservabilityGateway tells whether an istio Gateway of the seed's garden namespace is the one through which the
// seed's nginx ingress controller, and with it every shoot's observability ingresses, is reached (TLS passthrough of
// the seed's ingress domains).
func IsObservabilityGateway(name string) bool {
	return strings.HasPrefix(name, ObservabilityGatewayPrefix)
}

// hostsOf returns the hosts of the Ingresses' rules and TLS sections, in lower case as DNS names compare.
func hostsOf(ingresses []networkingv1.Ingress) []string {
	var hosts []string
	for _, ingress := range ingresses {
		for _, rule := range ingress.Spec.Rules {
			hosts = append(hosts, rule.Host)
		}
		for _, tls := range ingress.Spec.TLS {
			hosts = append(hosts, tls.Hosts...)
		}
	}
	for i := range hosts {
		hosts[i] = strings.ToLower(hosts[i])
	}
	return slices.DeleteFunc(sortedUnique(hosts), func(host string) bool { return host == "" })
}

// serves tells whether a Gateway host (an exact name or a "*." wildcard of one or more labels, as Envoy matches
// server names) serves host.
func serves(gatewayHost, host string) bool {
	gatewayHost = strings.ToLower(gatewayHost)
	if suffix, ok := strings.CutPrefix(gatewayHost, "*"); ok {
		return strings.HasPrefix(suffix, ".") && len(host) > len(suffix) && strings.HasSuffix(host, suffix)
	}
	return gatewayHost == host
}

func sortedUnique(values []string) []string {
	slices.Sort(values)
	return slices.Compact(values)
}
