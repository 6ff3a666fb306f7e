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

	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
)

const (
	// KubeAPIServerGateway is the istio Gateway gardener creates in a shoot's control plane namespace for its hosts.
	KubeAPIServerGateway = "kube-apiserver"
	// KubeAPIServerWildcardGateway serves the shoot's wildcard hosts, possibly through another ingress gateway.
	KubeAPIServerWildcardGateway = "kube-apiserver-wildcard"
	// KubeAPIServerIngressGateway serves the kube-apiserver under a host of the seed's ingress domain
	// (gardener's apiserverexposure ingress), with TLS passthrough or termination by the seed's wildcard certificate.
	KubeAPIServerIngressGateway = "kube-apiserver-ingress"
	// ObservabilityGatewayPrefix starts the names of the istio Gateways of the seed's garden namespace through which
	// the seed's nginx ingress controller is reached (gardener names them nginx-ingress-controller plus a suffix).
	ObservabilityGatewayPrefix = "nginx-ingress-controller"
	// legacyVPNPort is the container port of the legacy reversed-VPN listener of gardener's ingress gateways.
	legacyVPNPort = 8132
)

// Objects are the seed objects that decide through which ingress gateways a shoot is reached.
type Objects struct {
	// ControlPlaneNamespace is the shoot's control plane namespace (its technical ID).
	ControlPlaneNamespace string
	// Gateways are the istio Gateways of the control plane namespace and of the seed's garden namespace; others are
	// ignored.
	Gateways []*istionetworkingv1beta1.Gateway
	// Ingresses are the Ingresses of the control plane namespace (the shoot's observability components).
	Ingresses []networkingv1.Ingress
	// IngressServices are the Services of the seed's istio ingress gateways.
	IngressServices []corev1.Service
}

// Exposure is how a shoot is reached through the seed's istio ingress gateways.
type Exposure struct {
	// Gateways are the ingress gateways that serve the shoot.
	Gateways []envoyfilter.Gateway
	// SharedSNIHosts are the shoot's hosts on the gateways' shared SNI chains.
	SharedSNIHosts []string
}

// Find returns the ingress gateways that serve a shoot. The istio Gateways of its control plane namespace that expose
// its kube-apiserver (see IsKubeAPIServerGateway) give its own hosts; the seed's observability Gateway (see
// IsObservabilityGateway) gives the shared wildcard chains that serve the hosts of the shoot's Ingresses. A Gateway
// selects its ingress gateway by labels; the ingress namespace is the one whose Service selects the same labels. A
// Gateway whose ingress cannot be found is an error: the shoot's hosts would otherwise stay unprotected.
func Find(objects Objects) (Exposure, error) {
	byNamespace := map[string]*envoyfilter.Gateway{}
	gatewayOf := func(gateway *istionetworkingv1beta1.Gateway) (*envoyfilter.Gateway, error) {
		selector := gateway.Spec.GetSelector()
		service, err := serviceSelecting(selector, objects.IngressServices)
		if err != nil {
			return nil, fmt.Errorf("failed to find the ingress gateway of Gateway %s/%s: %w", gateway.Namespace, gateway.Name, err)
		}
		target, ok := byNamespace[service.Namespace]
		if !ok {
			target = &envoyfilter.Gateway{Namespace: service.Namespace, Labels: maps.Clone(selector)}
			if hasTargetPort(service, legacyVPNPort) {
				target.LegacyVPNListenerPort = legacyVPNPort
			}
			byNamespace[service.Namespace] = target
		}
		return target, nil
	}

	ingressHosts := hostsOf(objects.Ingresses)
	var sharedSNIHosts []string
	for _, gateway := range objects.Gateways {
		switch {
		case gateway.Namespace == objects.ControlPlaneNamespace && IsKubeAPIServerGateway(gateway.Name):
			target, err := gatewayOf(gateway)
			if err != nil {
				return Exposure{}, err
			}
			for _, server := range gateway.Spec.GetServers() {
				target.Hosts = append(target.Hosts, server.GetHosts()...)
			}

		case gateway.Namespace == v1beta1constants.GardenNamespace && IsObservabilityGateway(gateway.Name):
			for _, server := range gateway.Spec.GetServers() {
				for _, chain := range server.GetHosts() {
					served := slices.DeleteFunc(slices.Clone(ingressHosts), func(host string) bool { return !serves(chain, host) })
					if len(served) == 0 {
						continue
					}
					target, err := gatewayOf(gateway)
					if err != nil {
						return Exposure{}, err
					}
					target.SharedSNIChains = append(target.SharedSNIChains, chain)
					sharedSNIHosts = append(sharedSNIHosts, served...)
				}
			}
		}
	}

	result := Exposure{Gateways: make([]envoyfilter.Gateway, 0, len(byNamespace))}
	for _, namespace := range slices.Sorted(maps.Keys(byNamespace)) {
		gateway := byNamespace[namespace]
		gateway.Hosts = sortedUnique(gateway.Hosts)
		gateway.SharedSNIChains = sortedUnique(gateway.SharedSNIChains)
		result.Gateways = append(result.Gateways, *gateway)
	}
	result.SharedSNIHosts = sortedUnique(sharedSNIHosts)
	return result, nil
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

// IsKubeAPIServerGateway tells whether an istio Gateway of a control plane namespace serves the shoot's kube-apiserver.
func IsKubeAPIServerGateway(name string) bool {
	return name == KubeAPIServerGateway || name == KubeAPIServerWildcardGateway || name == KubeAPIServerIngressGateway
}

// serviceSelecting returns the one ingress Service whose selector equals the given labels.
func serviceSelecting(selector map[string]string, services []corev1.Service) (*corev1.Service, error) {
	if len(selector) == 0 {
		return nil, fmt.Errorf("the Gateway selects no workload")
	}
	var found *corev1.Service
	for i := range services {
		if !maps.Equal(services[i].Spec.Selector, selector) {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("the ingress Services %s/%s and %s/%s both select %v", found.Namespace, found.Name, services[i].Namespace, services[i].Name, selector)
		}
		found = &services[i]
	}
	if found == nil {
		return nil, fmt.Errorf("no ingress gateway Service selects %v", selector)
	}
	return found, nil
}

func hasTargetPort(service *corev1.Service, port int32) bool {
	for _, servicePort := range service.Spec.Ports {
		target := servicePort.TargetPort
		if target == (intstr.IntOrString{}) {
			target = intstr.FromInt32(servicePort.Port)
		}
		if target.Type == intstr.Int && target.IntVal == port {
			return true
		}
	}
	return false
}
