// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package exposure

import (
	"cmp"
	"maps"
	"slices"

	v1beta1constants "github.com/gardener/gardener/pkg/apis/core/v1beta1/constants"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
)

// IngressGateways returns every istio ingress gateway of the seed, one per namespace and sorted by it, without chains
// of their own: the gateways whose shared listeners, and shared SNI chains, carry the slots whether or not an ACL shoot
// uses them, since adding or removing the slots would change the listeners. A gateway is selected by the labels its
// Deployment selects its proxies by: gardener's chart renders the Deployment's matchLabels, the selector of the
// shoots' Gateways and the workload selector of its own EnvoyFilters for the same listeners all from one value
// (.Values.labels in pkg/component/networking/istio/charts/istio/istio-ingress/templates/{deployment,
// http-proxy-envoy-filter}.yaml, gardener v1.150.0). A Deployment without matchLabels selects no proxy and is left out.
// The hosts of the seed's nginx observability Gateways among gateways (IsObservabilityGateway; others are ignored)
// are the shared SNI chains of the gateways whose proxies they select.
func IngressGateways(deployments []appsv1.Deployment, gateways []*istionetworkingv1beta1.Gateway) []envoyfilter.Gateway {
	byNamespace := map[string]envoyfilter.Gateway{}
	for i := range deployments {
		deployment := &deployments[i]
		if !IsIngressGatewayObject(deployment.Labels) || deployment.Spec.Selector == nil || len(deployment.Spec.Selector.MatchLabels) == 0 {
			continue
		}
		if _, seen := byNamespace[deployment.Namespace]; seen {
			continue
		}
		workload := ingressWorkload{deployment: deployment}
		gateway := envoyfilter.Gateway{Namespace: deployment.Namespace, Labels: maps.Clone(deployment.Spec.Selector.MatchLabels)}
		if workload.hasContainerPort(legacyVPNPort) {
			gateway.LegacyVPNListenerPort = legacyVPNPort
		}
		for _, observability := range gateways {
			if observability.Namespace != v1beta1constants.GardenNamespace || !IsObservabilityGateway(observability.Name) || !workload.selectedBy(observability.Spec.GetSelector()) {
				continue
			}
			for _, server := range observability.Spec.GetServers() {
				gateway.SharedSNIChains = append(gateway.SharedSNIChains, server.GetHosts()...)
			}
		}
		gateway.SharedSNIChains = sortedUnique(gateway.SharedSNIChains)
		byNamespace[deployment.Namespace] = gateway
	}
	result := slices.Collect(maps.Values(byNamespace))
	slices.SortFunc(result, func(a, b envoyfilter.Gateway) int { return cmp.Compare(a.Namespace, b.Namespace) })
	return result
}
