// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"fmt"
)

const (
	// SNIListenerPort is the port of the ingress gateway listener that serves the shoots' kube-apiservers by SNI.
	SNIListenerPort = 9443
	// HTTPProxyListenerPort is the port of the listener that every shoot of the seed shares for the apiserver-proxy and
	// the reversed VPN; requests name their destination in HTTPProxyDestinationHeader.
	HTTPProxyListenerPort = 8443
	// HTTPProxyDestinationHeader is the header whose value the shared listener uses as the upstream cluster.
	HTTPProxyDestinationHeader = "X-Gardener-Destination"
	// LegacyVPNDestinationHeader is the header of the legacy reversed-VPN listener (gardener's RemoveHTTPProxyLegacyPort
	// feature gate drops that listener).
	LegacyVPNDestinationHeader = "Reversed-VPN"

	// clusterDomain is the cluster domain of seeds that gardener routes to.
	clusterDomain = "cluster.local"
	// maxVPNSeedServerIndex is the highest index of an HA vpn-seed-server that gardener's route admits.
	maxVPNSeedServerIndex = 4
)

// Destinations returns every value of the destination header by which gardener v1.150's shared listeners route to
// the control plane in the given namespace: the kube-apiserver, the VPN seed server (single and HA replicas) and the
// kube-apiserver socket. The shared listener routes with the header value as the upstream cluster name, so exactly
// these values reach the shoot; any other value reaches another shoot or nothing.
func Destinations(controlPlaneNamespace string) []string {
	destinations := []string{
		fmt.Sprintf("outbound|443||kube-apiserver.%s.svc.%s", controlPlaneNamespace, clusterDomain),
		fmt.Sprintf("outbound|1194||vpn-seed-server.%s.svc.%s", controlPlaneNamespace, clusterDomain),
	}
	for i := range maxVPNSeedServerIndex + 1 {
		destinations = append(destinations, fmt.Sprintf("outbound|1194||vpn-seed-server-%d.%s.svc.%s", i, controlPlaneNamespace, clusterDomain))
	}
	return append(destinations, controlPlaneNamespace+"--kube-apiserver-socket")
}
