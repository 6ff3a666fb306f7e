// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
)

// Gateway is an istio ingress gateway that serves a shoot's control plane.
type Gateway struct {
	// Namespace is the istio ingress namespace; the EnvoyFilter is created there.
	Namespace string
	// Labels select the gateway's workload.
	Labels map[string]string
	// Chains are the filter chains of the gateway that serve only the shoot (its kube-apiserver and observability
	// hosts), selected by server name.
	Chains []Chain
	// LegacyVPNListenerPort is the port of the legacy reversed-VPN listener, 0 when the gateway has none.
	LegacyVPNListenerPort uint32
	// SharedSNIChains are the wildcard server names of filter chains that serve the shoot's SharedSNIHosts together
	// with every other shoot of the seed (the seed's observability ingress).
	SharedSNIChains []string
	// InlineSharedListeners makes Render put the shoot's own HTTP RBAC filter into the gateway's shared listeners and
	// its own network RBAC filter into the shared SNI chains, the layout before the slot filters of RenderShared. The
	// controller sets it until gardener-resource-manager has applied the gateway's SlotFilters for the shoot, so that
	// switching a seed to the slots leaves no window unprotected; without it the shared listeners and chains are left
	// to RenderShared.
	InlineSharedListeners bool
}

// Chain is a filter chain of an ingress gateway listener that serves only the shoot.
type Chain struct {
	// Port is the port of the listener.
	Port uint32
	// ServerNames are the server names (SNI) the chain serves, sorted.
	ServerNames []string
	// Match is the server name the EnvoyFilter patch selects the chain by: istio applies a `filterChain.sni` match to
	// every chain of the listener whose server names contain it, so it is one that no other chain serves where possible.
	Match string
}

// ChainPerHost returns a chain for each host on the listener on port, each matched by its host: the layout istio
// builds for a passthrough host that a TLS route of its own names.
func ChainPerHost(port uint32, hosts ...string) []Chain {
	chains := make([]Chain, 0, len(hosts))
	for _, host := range hosts {
		chains = append(chains, Chain{Port: port, ServerNames: []string{host}, Match: host})
	}
	return chains
}

// sharedListener is a listener every shoot of the seed shares, routing by a header.
type sharedListener struct {
	port   uint32
	header string
}

func (g Gateway) sharedListeners() []sharedListener {
	listeners := []sharedListener{{port: HTTPProxyListenerPort, header: HTTPProxyDestinationHeader}}
	if g.LegacyVPNListenerPort != 0 {
		listeners = append(listeners, sharedListener{port: g.LegacyVPNListenerPort, header: LegacyVPNDestinationHeader})
	}
	return listeners
}

// Input is everything that decides the EnvoyFilters of one shoot.
type Input struct {
	// TechnicalID is the shoot's technical ID, which is also its control plane namespace.
	TechnicalID string
	// Policy is the shoot's compiled rules.
	Policy *policy.Policy
	// AlwaysAllowed are sources that reach the control plane whatever the rules say: seed and shoot networks, egress
	// addresses of the shoot's nodes, operator additions.
	AlwaysAllowed []netip.Prefix
	// Gateways are the ingress gateways that serve the shoot.
	Gateways []Gateway
	// SharedSNIHosts are the shoot's hostnames served through the gateways' SharedSNIChains (its plutono, prometheus
	// and other observability ingresses).
	SharedSNIHosts []string
}

// Name returns the name of the EnvoyFilters of a shoot.
func Name(technicalID string) string {
	return "acl-" + technicalID
}

// Render returns the EnvoyFilters that enforce a shoot's policy, one per ingress gateway namespace, sorted by
// namespace and labelled with the shoot's control plane namespace (constants.ControlPlaneNamespaceLabel). Every filter
// chain that serves one of the shoot's hosts by SNI gets a network RBAC filter first, named Name(technicalID), whose
// rules the same EnvoyFilter delivers by ECDS (an EXTENSION_CONFIG of that name). The shared HTTP proxy listener(s)
// and the shared wildcard filter chains are RenderShared's (RenderSeed renders both); only a gateway with
// InlineSharedListeners gets filters of the shoot's own there, which only concern the shoot's requests and server
// names. An Audited policy gives the same filters with the rules as shadow rules (AuditNetworkRBAC, AuditHTTPRBAC):
// they are counted and block nothing, and switching the mode changes only what ECDS delivers, like a rule change.
func Render(input Input) ([]*istionetworkingv1alpha3.EnvoyFilter, error) {
	if input.TechnicalID == "" {
		return nil, fmt.Errorf("failed to render EnvoyFilters: the shoot has no technical ID")
	}
	if input.Policy == nil {
		return nil, fmt.Errorf("failed to render EnvoyFilters for %s: no compiled policy", input.TechnicalID)
	}
	allowed := AllowedPrefixes(input)

	statPrefix := "acl_" + input.TechnicalID + "_"
	network, err := NetworkRBAC(statPrefix, input.Policy.Type, allowed)
	if err != nil {
		return nil, err
	}
	if input.Policy.Audited() {
		AuditNetworkRBAC(network)
	}
	// The shoot's own chains get a filter whose configuration comes by ECDS, so that a change of the admitted sources
	// changes no listener (and drains no connection); until the configuration arrives the filter refuses everything.
	ownFilter := Name(input.TechnicalID)
	ownConfig, err := extensionConfigPatch(ownFilter, network)
	if err != nil {
		return nil, err
	}
	ownInsertion, err := ownChainInsertion(ownFilter, statPrefix)
	if err != nil {
		return nil, err
	}

	var sharedSNIValue *structpb.Struct
	if sharedSNIHosts := sortedHosts(input.SharedSNIHosts); len(sharedSNIHosts) > 0 {
		sharedSNI, err := SharedSNIRBAC(statPrefix, sharedSNIHosts, input.Policy.Type, allowed)
		if err != nil {
			return nil, err
		}
		if input.Policy.Audited() {
			AuditNetworkRBAC(sharedSNI)
		}
		if sharedSNIValue, err = PatchValue(NetworkRBACFilterName, sharedSNI); err != nil {
			return nil, err
		}
	}

	gateways := slices.Clone(input.Gateways)
	slices.SortFunc(gateways, func(a, b Gateway) int { return cmp.Compare(a.Namespace, b.Namespace) })

	// Rendered patch values are never modified afterwards, so every patch that inserts the same filter shares one value.
	sharedValues := map[string]*structpb.Struct{}
	filters := make([]*istionetworkingv1alpha3.EnvoyFilter, 0, len(gateways))
	for i, gateway := range gateways {
		if i > 0 && gateways[i-1].Namespace == gateway.Namespace {
			return nil, fmt.Errorf("failed to render EnvoyFilters for %s: gateway namespace %s is given twice", input.TechnicalID, gateway.Namespace)
		}

		var patches []*istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch
		chains := slices.Clone(gateway.Chains)
		slices.SortFunc(chains, func(a, b Chain) int { return cmp.Or(cmp.Compare(a.Port, b.Port), cmp.Compare(a.Match, b.Match)) })
		chains = slices.CompactFunc(chains, func(a, b Chain) bool { return a.Port == b.Port && a.Match == b.Match })
		for _, chain := range chains {
			if i := slices.IndexFunc(chain.ServerNames, func(name string) bool { return strings.Contains(name, "*") }); i >= 0 {
				// A wildcard chain serves other shoots too: restricting it to this shoot's sources would lock them out.
				return nil, fmt.Errorf("failed to render EnvoyFilters for %s: host %q of gateway namespace %s is a wildcard, which other shoots share", input.TechnicalID, chain.ServerNames[i], gateway.Namespace)
			}
			if !slices.Contains(chain.ServerNames, chain.Match) {
				return nil, fmt.Errorf("failed to render EnvoyFilters for %s: the match %q of a chain of gateway namespace %s is none of its server names", input.TechnicalID, chain.Match, gateway.Namespace)
			}
			patches = append(patches, sniPatch(chain.Port, chain.Match, ownInsertion))
		}
		if len(patches) > 0 {
			patches = append(patches, ownConfig)
		}
		if sharedSNIValue != nil && gateway.InlineSharedListeners {
			sharedChains := slices.Clone(gateway.SharedSNIChains)
			slices.Sort(sharedChains)
			for _, chain := range slices.Compact(sharedChains) {
				patches = append(patches, sniPatch(SNIListenerPort, chain, sharedSNIValue))
			}
		}

		if gateway.InlineSharedListeners {
			for _, listener := range gateway.sharedListeners() {
				value, ok := sharedValues[listener.header]
				if !ok {
					shared, err := SharedListenerRBAC(statPrefix, listener.header, Destinations(input.TechnicalID), input.Policy.Type, allowed)
					if err != nil {
						return nil, err
					}
					if input.Policy.Audited() {
						AuditHTTPRBAC(shared)
					}
					if value, err = PatchValue(HTTPRBACFilterName, shared); err != nil {
						return nil, err
					}
					sharedValues[listener.header] = value
				}
				patches = append(patches, sharedListenerPatch(listener.port, value))
			}
		}

		filter := gatewayEnvoyFilter(gateway, Name(input.TechnicalID), patches...)
		filter.Labels = map[string]string{constants.ControlPlaneNamespaceLabel: input.TechnicalID}
		filters = append(filters, filter)
	}
	return filters, nil
}

// AllowedPrefixes returns the minimal sorted list of prefixes the shoot's filters admit: the compiled rules joined with
// the always-allowed sources.
func AllowedPrefixes(input Input) []netip.Prefix {
	if input.Policy == nil {
		return nil
	}
	return union(input.Policy.Prefixes(), input.AlwaysAllowed)
}

// sniPatch puts a network RBAC filter first into the filter chains of the listener on port whose server names contain
// host, before the TCP proxy of TLS passthrough or the HTTP connection manager of istio's TLS termination.
func sniPatch(port uint32, host string, value *structpb.Struct) *istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch {
	return &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch{
		ApplyTo: istioapinetworkingv1alpha3.EnvoyFilter_NETWORK_FILTER,
		Match: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch{
			Context: istioapinetworkingv1alpha3.EnvoyFilter_GATEWAY,
			ObjectTypes: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch_Listener{Listener: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch{
				PortNumber:  port,
				FilterChain: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch_FilterChainMatch{Sni: host},
			}},
		},
		Patch: &istioapinetworkingv1alpha3.EnvoyFilter_Patch{Operation: istioapinetworkingv1alpha3.EnvoyFilter_Patch_INSERT_FIRST, Value: value},
	}
}

// sharedListenerPatch puts the HTTP RBAC filter before the router of the shared listener on port.
func sharedListenerPatch(port uint32, value *structpb.Struct) *istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch {
	return &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch{
		ApplyTo: istioapinetworkingv1alpha3.EnvoyFilter_HTTP_FILTER,
		Match: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch{
			Context: istioapinetworkingv1alpha3.EnvoyFilter_GATEWAY,
			ObjectTypes: &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectMatch_Listener{Listener: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch{
				PortNumber: port,
				FilterChain: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch_FilterChainMatch{
					Filter: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch_FilterMatch{
						Name:      "envoy.filters.network.http_connection_manager",
						SubFilter: &istioapinetworkingv1alpha3.EnvoyFilter_ListenerMatch_SubFilterMatch{Name: "envoy.filters.http.router"},
					},
				},
			}},
		},
		Patch: &istioapinetworkingv1alpha3.EnvoyFilter_Patch{Operation: istioapinetworkingv1alpha3.EnvoyFilter_Patch_INSERT_BEFORE, Value: value},
	}
}
