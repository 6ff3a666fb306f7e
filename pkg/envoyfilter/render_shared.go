// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"fmt"
	"maps"
	"strings"

	xdsmatcherv3 "github.com/cncf/xds/go/xds/type/matcher/v3"
	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	rbacnetworkv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SharedFiltersName is the name of the EnvoyFilter that inserts the shard filters into a gateway's shared listeners.
const SharedFiltersName = "acl-shared"

// Types of the filter configurations delivered by ECDS.
const (
	// httpRBACTypeURL is the type of the HTTP RBAC filter's configuration (the shared listeners' slot filters).
	httpRBACTypeURL = "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC"
	// networkRBACTypeURL is the type of the network RBAC filter's configuration (a shoot's own filter chains).
	networkRBACTypeURL = "type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC"
)

// SharedFilterName returns the name of the filter of a slot on the shared listener on port; it is also the name of
// the ECDS resource that configures it and of the EnvoyFilter that holds that resource.
func SharedFilterName(port uint32, slot SharedSlot) string {
	return fmt.Sprintf("acl-%d-f%d-s%d", port, slot.Form, slot.Shard)
}

// RenderShared returns the EnvoyFilters that enforce the rules of all given ACL shoots on the gateway's shared
// listeners without ever changing a listener: SharedFiltersName inserts a filter per shared listener and slot
// (SharedSlots) whose configuration comes by ECDS (and never changes), and one EnvoyFilter per listener and slot holds
// that configuration, the match tree of the slot's shoots and destination form (SharedListenerMatcher), as an
// EXTENSION_CONFIG. The gateway's shared SNI chains (the seed's nginx wildcard chains) get the same: a network RBAC
// filter per shard (SharedSNIFilterName), configured with the match tree of the shard's shoots' server names
// (SharedSNIMatcher). The checks of audited shoots (SharedShoot.Audit) go into the same configurations' shadow match
// trees, which Envoy evaluates and counts without refusing anything. A rule change, a switch between Enforce and
// Audit, a new or a deleted ACL shoot changes only the configurations, which istio sends by ECDS. Every slot has its
// EnvoyFilter, also without shoots (then it allows everything), so no inserted filter ever waits for a configuration
// that does not exist. The filters have no default configuration: a listener whose shard configurations have not arrived stays
// warming (a new gateway pod is not ready, an updated listener keeps serving its previous version).
func RenderShared(gateway Gateway, shoots []SharedShoot) ([]*istionetworkingv1alpha3.EnvoyFilter, error) {
	groups, err := RenderSharedGroups(gateway, shoots)
	if err != nil {
		return nil, err
	}
	var filters []*istionetworkingv1alpha3.EnvoyFilter
	for _, group := range groups {
		filters = append(filters, group...)
	}
	return filters, nil
}

// SharedGroups is the number of groups of RenderSharedGroups: the insertions, and one per shard of the shared
// listeners.
const SharedGroups = 1 + SharedListenerShards

// RenderSharedGroups returns RenderShared's EnvoyFilters in groups that change together: first the insertions
// (SharedFiltersName, which never change), then one group per shard of SharedListenerShards with the configurations of
// that shard's slots on every shared listener and of the SNI shards it hashes to (SNIShard modulo
// SharedListenerShards). Stored one group per secret, a shoot's rule change rewrites one group, and no group comes
// near a secret's 1 MiB where all of them together would.
func RenderSharedGroups(gateway Gateway, shoots []SharedShoot) ([][]*istionetworkingv1alpha3.EnvoyFilter, error) {
	groups := make([][]*istionetworkingv1alpha3.EnvoyFilter, SharedGroups)
	for group := range SharedGroups {
		filters, err := RenderSharedGroup(gateway, SharedGroupMembers(gateway, shoots, group), group)
		if err != nil {
			return nil, err
		}
		groups[group] = filters
	}
	return groups, nil
}

// SharedGroupMembers returns the shoots that a group of RenderSharedGroups is rendered from, in their order: none for
// the insertions, the shoots of the group's shard of the shared listeners, and on a gateway with shared SNI chains
// those of an SNI shard that hashes to the group, for the others.
func SharedGroupMembers(gateway Gateway, shoots []SharedShoot, group int) []SharedShoot {
	if group == 0 {
		return nil
	}
	sni := len(gateway.SharedSNIChains) > 0
	var members []SharedShoot
	for _, shoot := range shoots {
		if Shard(shoot.TechnicalID) == group-1 || sni && SNIShard(shoot.TechnicalID)%SharedListenerShards == group-1 {
			members = append(members, shoot)
		}
	}
	return members
}

// RenderSharedGroup returns one group of RenderSharedGroups; it depends only on the gateway and on the group's
// members (SharedGroupMembers), so a group whose members did not change renders the same.
func RenderSharedGroup(gateway Gateway, shoots []SharedShoot, group int) ([]*istionetworkingv1alpha3.EnvoyFilter, error) {
	if group == 0 {
		insertions, err := sharedInsertions(gateway)
		if err != nil {
			return nil, err
		}
		return []*istionetworkingv1alpha3.EnvoyFilter{gatewayEnvoyFilter(gateway, SharedFiltersName, insertions...)}, nil
	}
	shard := group - 1

	var shardShoots []SharedShoot
	for _, shoot := range shoots {
		if Shard(shoot.TechnicalID) == shard {
			shardShoots = append(shardShoots, shoot)
		}
	}
	checks := make(map[string]*xdsmatcherv3.Matcher, len(shardShoots))
	for _, shoot := range shardShoots {
		check, err := sourceCheck(shoot)
		if err != nil {
			return nil, err
		}
		checks[shoot.TechnicalID] = check
	}
	var filters []*istionetworkingv1alpha3.EnvoyFilter
	for _, listener := range gateway.sharedListeners() {
		for _, slot := range SharedSlots() {
			if slot.Shard != shard {
				continue
			}
			name := SharedFilterName(listener.port, slot)
			matcher, shadow, err := byMode(shardShoots, func(shoots []SharedShoot) (*xdsmatcherv3.Matcher, error) {
				return sharedListenerMatcher(listener.header, slot.Form, shoots, checks)
			})
			if err != nil {
				return nil, err
			}
			config, err := extensionConfigPatch(name, &rbachttpv3.RBAC{Matcher: matcher, ShadowMatcher: shadow})
			if err != nil {
				return nil, err
			}
			filters = append(filters, gatewayEnvoyFilter(gateway, name, config))
		}
	}
	if len(gateway.SharedSNIChains) == 0 {
		return filters, nil
	}
	for sniShard := shard; sniShard < SharedSNIShards; sniShard += SharedListenerShards {
		var sniShoots []SharedShoot
		for _, shoot := range shoots {
			if SNIShard(shoot.TechnicalID) == sniShard {
				sniShoots = append(sniShoots, shoot)
			}
		}
		name := SharedSNIFilterName(sniShard)
		matcher, shadow, err := byMode(sniShoots, SharedSNIMatcher)
		if err != nil {
			return nil, err
		}
		config, err := extensionConfigPatch(name, &rbacnetworkv3.RBAC{StatPrefix: strings.ReplaceAll(name, "-", "_") + "_", Matcher: matcher, ShadowMatcher: shadow})
		if err != nil {
			return nil, err
		}
		filters = append(filters, gatewayEnvoyFilter(gateway, name, config))
	}
	return filters, nil
}

// sharedInsertions returns the patches that insert a filter per shared listener and slot, and a network RBAC filter
// per SNI shard into every shared SNI chain of the gateway, each configured by ECDS.
func sharedInsertions(gateway Gateway) ([]*istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch, error) {
	var insertions []*istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch
	for _, listener := range gateway.sharedListeners() {
		for _, slot := range SharedSlots() {
			insertion, err := discoveredFilterValue(SharedFilterName(listener.port, slot), httpRBACTypeURL)
			if err != nil {
				return nil, err
			}
			insertions = append(insertions, sharedListenerPatch(listener.port, insertion))
		}
	}
	chains := sortedHosts(gateway.SharedSNIChains)
	if len(chains) == 0 {
		return insertions, nil
	}
	for shard := range SharedSNIShards {
		insertion, err := discoveredFilterValue(SharedSNIFilterName(shard), networkRBACTypeURL)
		if err != nil {
			return nil, err
		}
		for _, chain := range chains {
			insertions = append(insertions, sniPatch(SNIListenerPort, chain, insertion))
		}
	}
	return insertions, nil
}

// discoveredFilterValue is the value of a patch that inserts a filter whose configuration istiod serves by ECDS under
// the filter's name.
func discoveredFilterValue(name, typeURL string) (*structpb.Struct, error) {
	return discoveredFilterWithDefault(name, typeURL, nil)
}

// discoveredFilterWithDefault is discoveredFilterValue with a configuration Envoy applies until, or instead of, the
// discovered one (nil: none, the listener warms until it arrives).
func discoveredFilterWithDefault(name, typeURL string, defaultConfig proto.Message) (*structpb.Struct, error) {
	discovery := map[string]any{
		"config_source": map[string]any{"ads": map[string]any{}},
		"type_urls":     []any{typeURL},
	}
	if defaultConfig != nil {
		config, err := PatchValue(name, defaultConfig)
		if err != nil {
			return nil, err
		}
		discovery["default_config"] = config.GetFields()["typed_config"].AsInterface()
		discovery["apply_default_config_without_warming"] = true
	}
	value, err := structpb.NewStruct(map[string]any{"name": name, "config_discovery": discovery})
	if err != nil {
		return nil, fmt.Errorf("failed to build the insertion of %s: %w", name, err)
	}
	return value, nil
}

// ownChainInsertion is the value of the patch that puts the shoot's network RBAC filter into its own filter chains:
// the configuration comes by ECDS; until it arrives, and if it never does, the filter refuses every connection (an
// ALLOW policy set without policies), so the chain fails closed for this shoot only.
func ownChainInsertion(name, statPrefix string) (*structpb.Struct, error) {
	denyAll := &rbacnetworkv3.RBAC{StatPrefix: statPrefix, Rules: &rbacconfigv3.RBAC{Action: rbacconfigv3.RBAC_ALLOW}}
	return discoveredFilterWithDefault(name, networkRBACTypeURL, denyAll)
}

// extensionConfigPatch delivers a filter configuration by ECDS under name.
func extensionConfigPatch(name string, config proto.Message) (*istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch, error) {
	value, err := PatchValue(name, config)
	if err != nil {
		return nil, err
	}
	return &istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch{
		ApplyTo: istioapinetworkingv1alpha3.EnvoyFilter_EXTENSION_CONFIG,
		Patch:   &istioapinetworkingv1alpha3.EnvoyFilter_Patch{Operation: istioapinetworkingv1alpha3.EnvoyFilter_Patch_ADD, Value: value},
	}, nil
}

// gatewayEnvoyFilter is an EnvoyFilter for the gateway's workload in its namespace.
func gatewayEnvoyFilter(gateway Gateway, name string, patches ...*istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch) *istionetworkingv1alpha3.EnvoyFilter {
	return &istionetworkingv1alpha3.EnvoyFilter{
		TypeMeta:   metav1.TypeMeta{APIVersion: istionetworkingv1alpha3.SchemeGroupVersion.String(), Kind: "EnvoyFilter"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: gateway.Namespace},
		Spec: istioapinetworkingv1alpha3.EnvoyFilter{
			WorkloadSelector: &istioapinetworkingv1alpha3.WorkloadSelector{Labels: maps.Clone(gateway.Labels)},
			ConfigPatches:    patches,
		},
	}
}
