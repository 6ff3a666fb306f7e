// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package exposure

import (
	"fmt"
	"maps"
	"slices"

	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
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
	// legacyVPNPort is the container port of the legacy reversed-VPN listener of gardener's ingress gateways.
	legacyVPNPort = 8132
)

// Gateways returns the ingress gateways that serve a shoot, from the istio Gateways in its control plane namespace
// that expose its kube-apiserver (see IsKubeAPIServerGateway) and the Services of the seed's istio ingress gateways.
// A Gateway selects its ingress gateway by labels; the ingress namespace is the one whose Service selects the same
// labels. A Gateway whose ingress cannot be found is an error: the shoot's hosts would otherwise stay unprotected.
func Gateways(gateways []*istionetworkingv1beta1.Gateway, ingressServices []corev1.Service) ([]envoyfilter.Gateway, error) {
	byNamespace := map[string]*envoyfilter.Gateway{}
	for _, gateway := range gateways {
		if !IsKubeAPIServerGateway(gateway.Name) {
			continue
		}
		selector := gateway.Spec.GetSelector()
		service, err := serviceSelecting(selector, ingressServices)
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
		for _, server := range gateway.Spec.GetServers() {
			target.Hosts = append(target.Hosts, server.GetHosts()...)
		}
	}

	result := make([]envoyfilter.Gateway, 0, len(byNamespace))
	for _, namespace := range slices.Sorted(maps.Keys(byNamespace)) {
		gateway := byNamespace[namespace]
		slices.Sort(gateway.Hosts)
		gateway.Hosts = slices.Compact(gateway.Hosts)
		result = append(result, *gateway)
	}
	return result, nil
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
