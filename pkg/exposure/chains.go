// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package exposure

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	istioapinetworkingv1beta1 "istio.io/api/networking/v1beta1"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
)

// serverChains returns the filter chains istio builds on the gateway's listener for one Gateway server, as groups of
// server names on a listener port. Istio builds one chain per server that terminates TLS (all of the server's hosts)
// and, for TLS passthrough, one chain per SNI match of the VirtualServices bound to the Gateway
// (pilot/pkg/networking/core/gateway.go, buildGatewayNetworkFiltersFromTLSRoutes). A passthrough host that no route
// names gets a chain of its own here: should istio build one for it after all, it is still covered.
func serverChains(gateway *istionetworkingv1beta1.Gateway, server *istioapinetworkingv1beta1.Server, port uint32, virtualServices []*istionetworkingv1beta1.VirtualService) ([]envoyfilter.Chain, error) {
	hosts := make([]string, 0, len(server.GetHosts()))
	for _, host := range server.GetHosts() {
		// A Gateway host may name the namespaces whose VirtualServices may bind to it ("ns/host"); Envoy sees the host.
		if _, name, ok := strings.Cut(host, "/"); ok {
			host = name
		}
		hosts = append(hosts, strings.ToLower(host))
	}
	hosts = sortedUnique(hosts)

	tls := server.GetTls()
	switch {
	case tls.GetHttpsRedirect() && !isTLSProtocol(server.GetPort().GetProtocol()):
		// A plain HTTP server that only redirects to HTTPS reaches no backend.
		return nil, nil
	case !isTLSProtocol(server.GetPort().GetProtocol()):
		return nil, fmt.Errorf("server %q of Gateway %s/%s uses protocol %s: only TLS connections can be restricted by server name", server.GetName(), gateway.Namespace, gateway.Name, server.GetPort().GetProtocol())
	case tls.GetMode() == istioapinetworkingv1beta1.ServerTLSSettings_PASSTHROUGH:
		return passthroughChains(gateway, hosts, port, virtualServices), nil
	case tls.GetMode() == istioapinetworkingv1beta1.ServerTLSSettings_AUTO_PASSTHROUGH:
		// Istio builds chains from the mesh's services here; every host gets a chain of its own to be covered.
		return envoyfilter.ChainPerHost(port, hosts...), nil
	}
	return []envoyfilter.Chain{{Port: port, ServerNames: hosts}}, nil
}

func isTLSProtocol(protocol string) bool {
	return protocol == "HTTPS" || protocol == "TLS"
}

// passthroughChains groups a passthrough server's hosts by the SNI matches of the TLS routes of the VirtualServices
// bound to the Gateway.
func passthroughChains(gateway *istionetworkingv1beta1.Gateway, hosts []string, port uint32, virtualServices []*istionetworkingv1beta1.VirtualService) []envoyfilter.Chain {
	var (
		chains  []envoyfilter.Chain
		covered = map[string]bool{}
	)
	for _, virtualService := range virtualServices {
		if !bindsTo(virtualService, gateway) {
			continue
		}
		for _, route := range virtualService.Spec.GetTls() {
			for _, match := range route.GetMatch() {
				var names []string
				for _, sni := range match.GetSniHosts() {
					sni = strings.ToLower(sni)
					if slices.ContainsFunc(hosts, func(host string) bool { return serves(host, sni) }) {
						names = append(names, sni)
						covered[sni] = true
					}
				}
				if len(names) > 0 {
					chains = append(chains, envoyfilter.Chain{Port: port, ServerNames: sortedUnique(names)})
				}
			}
		}
	}
	return append(chains, envoyfilter.ChainPerHost(port, slices.DeleteFunc(slices.Clone(hosts), func(host string) bool { return covered[host] })...)...)
}

// bindsTo tells whether a VirtualService binds to a Gateway: its gateways name it as "name" (same namespace) or
// "namespace/name".
func bindsTo(virtualService *istionetworkingv1beta1.VirtualService, gateway *istionetworkingv1beta1.Gateway) bool {
	for _, reference := range virtualService.Spec.GetGateways() {
		namespace, name, qualified := strings.Cut(reference, "/")
		if !qualified {
			namespace, name = virtualService.Namespace, reference
		}
		if namespace == gateway.Namespace && name == gateway.Name {
			return true
		}
	}
	return false
}

// withMatches sorts and de-duplicates the chains of one ingress gateway and chooses for each the server name its
// EnvoyFilter patch matches it by. An istio `filterChain.sni` match applies to every chain whose server names contain
// that name, so the chosen name is one that no other chain of the listener serves whenever there is one: each chain
// then gets the filter exactly once. Where every name of a chain is shared, a chain may get the same filter twice,
// which changes no verdict.
func withMatches(chains []envoyfilter.Chain) []envoyfilter.Chain {
	slices.SortFunc(chains, func(a, b envoyfilter.Chain) int {
		return cmp.Or(cmp.Compare(a.Port, b.Port), slices.Compare(a.ServerNames, b.ServerNames))
	})
	chains = slices.CompactFunc(chains, func(a, b envoyfilter.Chain) bool {
		return a.Port == b.Port && slices.Equal(a.ServerNames, b.ServerNames)
	})
	for i := range chains {
		chains[i].Match = chains[i].ServerNames[0]
		for _, name := range chains[i].ServerNames {
			if !slices.ContainsFunc(chains, func(other envoyfilter.Chain) bool {
				return other.Port == chains[i].Port && !slices.Equal(other.ServerNames, chains[i].ServerNames) && slices.Contains(other.ServerNames, name)
			}) {
				chains[i].Match = name
				break
			}
		}
	}
	return chains
}
