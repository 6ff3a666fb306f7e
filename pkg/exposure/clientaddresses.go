// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package exposure

import (
	"strings"

	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	corev1 "k8s.io/api/core/v1"
)

// clientAddressesHidden tells whether clients outside the seed reach the gateway's proxies with their own address
// hidden. A LoadBalancer or NodePort Service with externalTrafficPolicy Cluster lets kube-proxy replace the client
// address with a node address (Kubernetes "Source IP for Services with Type=LoadBalancer"), which every shoot admits
// as part of the seed's node network; the ACL then admits everybody. The address survives when every such Service keeps
// it (externalTrafficPolicy Local) or when the proxies read it from the PROXY protocol on the listener (gardener's
// proxy-protocol-sni EnvoyFilter, gardener v1.150 pkg/component/networking/istio/charts/istio/istio-ingress/templates/
// proxy-protocol-envoyfilter.yaml, rendered when the Seed allows PROXY protocol termination); whether the load balancer
// really sends it is the infrastructure's setting, which the seed does not show.
func (w ingressWorkload) clientAddressesHidden(envoyFilters []*istionetworkingv1alpha3.EnvoyFilter, listenerPort uint32) bool {
	translated := false
	for _, service := range w.services {
		external := service.Spec.Type == corev1.ServiceTypeLoadBalancer || service.Spec.Type == corev1.ServiceTypeNodePort
		if external && service.Spec.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyLocal {
			translated = true
		}
	}
	return translated && !w.readsProxyProtocol(envoyFilters, listenerPort)
}

// readsProxyProtocol tells whether an EnvoyFilter of the gateway's namespace that applies to its proxies adds the
// PROXY protocol listener filter to the listener on port.
func (w ingressWorkload) readsProxyProtocol(envoyFilters []*istionetworkingv1alpha3.EnvoyFilter, listenerPort uint32) bool {
	for _, filter := range envoyFilters {
		if filter.Namespace != w.deployment.Namespace {
			continue
		}
		if selector := filter.Spec.GetWorkloadSelector().GetLabels(); len(selector) > 0 && !w.selectedBy(selector) {
			continue
		}
		for _, patch := range filter.Spec.GetConfigPatches() {
			port := patch.GetMatch().GetListener().GetPortNumber()
			if patch.GetApplyTo() != istioapinetworkingv1alpha3.EnvoyFilter_LISTENER || (port != 0 && port != listenerPort) {
				continue
			}
			for _, listenerFilter := range patch.GetPatch().GetValue().GetFields()["listener_filters"].GetListValue().GetValues() {
				fields := listenerFilter.GetStructValue().GetFields()
				typeURL := fields["typed_config"].GetStructValue().GetFields()["@type"].GetStringValue()
				if strings.HasSuffix(typeURL, ".ProxyProtocol") || strings.Contains(fields["name"].GetStringValue(), "proxy_protocol") {
					return true
				}
			}
		}
	}
	return false
}
