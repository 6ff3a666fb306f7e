// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
)

// SharedGateway is what the shared listeners of one ingress gateway enforce: the ACL shoots it serves.
type SharedGateway struct {
	// Gateway is the ingress gateway; its labels are those every serving shoot's Gateway selects it by.
	Gateway Gateway
	// Shoots are the ACL shoots the gateway serves.
	Shoots []SharedShoot
}

// SharedGateways are the shared listeners' members of a seed's ingress gateways, by ingress namespace.
type SharedGateways map[string]*SharedGateway

// SharedShootOf returns what the shared listeners need to know of a shoot.
func SharedShootOf(input Input) SharedShoot {
	return SharedShoot{TechnicalID: input.TechnicalID, PrincipalType: input.Policy.Type, Allowed: AllowedPrefixes(input), SNIHosts: sortedHosts(input.SharedSNIHosts), Audit: input.Policy.Audited()}
}

// sortedHosts returns the hosts sorted and without duplicates.
func sortedHosts(hosts []string) []string {
	sorted := slices.Clone(hosts)
	slices.Sort(sorted)
	return slices.Compact(sorted)
}

// AddGateway puts an ingress gateway into the set, with or without shoots, and returns its entry. Its workload
// selector is the labels every addition selects it by (gardener gives the gateway's Deployment and its shoots'
// Gateways the same selector), so the shared filters reach every proxy any of them reaches.
func (g SharedGateways) AddGateway(gateway Gateway) *SharedGateway {
	shared, ok := g[gateway.Namespace]
	if !ok {
		shared = &SharedGateway{Gateway: Gateway{Namespace: gateway.Namespace, Labels: maps.Clone(gateway.Labels)}}
		g[gateway.Namespace] = shared
	}
	maps.DeleteFunc(shared.Gateway.Labels, func(key, value string) bool {
		other, ok := gateway.Labels[key]
		return !ok || other != value
	})
	shared.Gateway.LegacyVPNListenerPort = max(shared.Gateway.LegacyVPNListenerPort, gateway.LegacyVPNListenerPort)
	shared.Gateway.SharedSNIChains = sortedHosts(append(shared.Gateway.SharedSNIChains, gateway.SharedSNIChains...))
	return shared
}

// Add puts a shoot on the ingress gateways that serve it.
func (g SharedGateways) Add(input Input) {
	shoot := SharedShootOf(input)
	for _, gateway := range input.Gateways {
		shared := g.AddGateway(gateway)
		shared.Shoots = append(shared.Shoots, shoot)
	}
}

// Render returns RenderShared's EnvoyFilters of the gateway.
func (s *SharedGateway) Render() ([]*istionetworkingv1alpha3.EnvoyFilter, error) {
	if err := s.selectsWorkload(); err != nil {
		return nil, err
	}
	return RenderShared(s.Gateway, s.Shoots)
}

// RenderGroups returns RenderSharedGroups' EnvoyFilters of the gateway.
func (s *SharedGateway) RenderGroups() ([][]*istionetworkingv1alpha3.EnvoyFilter, error) {
	if err := s.selectsWorkload(); err != nil {
		return nil, err
	}
	return RenderSharedGroups(s.Gateway, s.Shoots)
}

// Data returns the ManagedResource data of RenderGroups' groups, rendering only the groups whose input changed since
// the cache last rendered them.
func (s *SharedGateway) Data(cache *SharedDataCache) ([]map[string][]byte, error) {
	if err := s.selectsWorkload(); err != nil {
		return nil, err
	}
	return cache.Data(s.Gateway, s.Shoots)
}

func (s *SharedGateway) selectsWorkload() error {
	if len(s.Gateway.Labels) == 0 {
		// No workload selector would apply the filters to every workload of the namespace.
		return fmt.Errorf("failed to render the shared EnvoyFilters of ingress namespace %s: the Gateways of its shoots select it by no common label", s.Gateway.Namespace)
	}
	return nil
}

// Render returns RenderShared's EnvoyFilters of every gateway, sorted by namespace.
func (g SharedGateways) Render() ([]*istionetworkingv1alpha3.EnvoyFilter, error) {
	var filters []*istionetworkingv1alpha3.EnvoyFilter
	for _, namespace := range slices.Sorted(maps.Keys(g)) {
		rendered, err := g[namespace].Render()
		if err != nil {
			return nil, err
		}
		filters = append(filters, rendered...)
	}
	return filters, nil
}

// RenderSeed returns every EnvoyFilter the controller deploys on a seed with the given ingress gateways that holds
// just the given ACL shoots, once the seed has switched to the shared slots: each shoot's own (Render) and the shared
// listeners' (RenderShared) of every gateway, and of every gateway that serves one of the shoots, sorted by namespace
// and name.
func RenderSeed(gateways []Gateway, inputs ...Input) ([]*istionetworkingv1alpha3.EnvoyFilter, error) {
	var filters []*istionetworkingv1alpha3.EnvoyFilter
	shared := SharedGateways{}
	for _, gateway := range gateways {
		shared.AddGateway(gateway)
	}
	for _, input := range inputs {
		own, err := Render(input)
		if err != nil {
			return nil, err
		}
		filters = append(filters, own...)
		shared.Add(input)
	}
	sharedFilters, err := shared.Render()
	if err != nil {
		return nil, err
	}
	filters = append(filters, sharedFilters...)
	slices.SortStableFunc(filters, func(a, b *istionetworkingv1alpha3.EnvoyFilter) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return filters, nil
}
