// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	xdscorev3 "github.com/cncf/xds/go/xds/core/v3"
	xdsmatcherv3 "github.com/cncf/xds/go/xds/type/matcher/v3"
	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	rbacnetworkv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	networkinputsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/matching/common_inputs/network/v3"
)

// SharedSNIShards is the number of groups the ACL shoots of a gateway are hashed into (SNIShard) on the shared SNI
// chains; each chain gets one network RBAC filter per shard. A shard holds the admitted sources of each of its shoots
// once per host of the shoot and once more for names in mixed case (SharedSNIMatcher), five times for gardener's
// observability hosts where the shared listeners hold them once per slot object, so there are more shards: at 1000
// ACL shoots with 50 entries and four hosts each the fullest shard object stays well below etcd's 1.5 MiB. A connection
// costs one exact-match lookup per shard.
const SharedSNIShards = 32

// upperCaseLetter matches a server name with an upper-case ASCII letter (RE2, matched against the whole name).
const upperCaseLetter = ".*[A-Z].*"

// SharedSNIFilterName returns the name of the network RBAC filter of a shard on the gateway's shared SNI chains (the
// seed's nginx wildcard chains); it is also the name of the ECDS resource that configures it and of the EnvoyFilter that
// holds that resource.
func SharedSNIFilterName(shard int) string {
	return fmt.Sprintf("acl-%d-sni-s%d", SNIListenerPort, shard)
}

// SNIShard returns the shard of a shoot's rules on the shared SNI chains.
func SNIShard(technicalID string) int {
	return shardOf(technicalID, SharedSNIShards)
}

// SlotFilters returns the names of the EnvoyFilters of a gateway's shared ManagedResource that restrict the shoot's
// traffic on the gateway's shared listeners and chains, as the gateway reconciler deploys them (RenderShared): until
// gardener-resource-manager has applied all of them the shoot's own EnvoyFilter keeps its inline filters there
// (Gateway.InlineSharedListeners).
func SlotFilters(gateway Gateway, technicalID string) []string {
	names := []string{SharedFiltersName}
	if len(gateway.SharedSNIChains) > 0 {
		names = append(names, SharedSNIFilterName(SNIShard(technicalID)))
	}
	return names
}

// SharedSNIMatcher returns the match tree of a network RBAC filter on a filter chain that every shoot of the seed
// shares by a wildcard server name (the seed's nginx ingress). A connection whose server name is one of a shoot's hosts
// is refused unless its source is admitted; every other connection is allowed, so the tree never blocks another
// shoot. Server names compare ignoring case, as Envoy's filter chain match does (it lowers the name before matching)
// and as DNS does: a lower-case name costs one lookup in an exact-match map, and only a name with an upper-case letter
// falls back to comparing it with every host of the tree, ignoring case. The hosts are lower case (Ingress hosts are
// DNS-1123 subdomains).
func SharedSNIMatcher(shoots []SharedShoot) (*xdsmatcherv3.Matcher, error) {
	allow, err := rbacAction("acl-other", rbacconfigv3.RBAC_ALLOW)
	if err != nil {
		return nil, err
	}
	serverName, err := typedExtension("server-name", &networkinputsv3.ServerNameInput{})
	if err != nil {
		return nil, err
	}

	sorted := slices.Clone(shoots)
	slices.SortFunc(sorted, func(a, b SharedShoot) int { return cmp.Compare(a.TechnicalID, b.TechnicalID) })
	keys := map[string]*xdsmatcherv3.Matcher_OnMatch{}
	var anyCase []*xdsmatcherv3.Matcher_MatcherList_FieldMatcher
	for _, shoot := range sorted {
		if len(shoot.SNIHosts) == 0 {
			continue
		}
		check, err := sourceCheck(shoot)
		if err != nil {
			return nil, err
		}
		onMatch := &xdsmatcherv3.Matcher_OnMatch{OnMatch: &xdsmatcherv3.Matcher_OnMatch_Matcher{Matcher: check}}
		predicates := make([]*xdsmatcherv3.Matcher_MatcherList_Predicate, 0, len(shoot.SNIHosts))
		for _, host := range shoot.SNIHosts {
			if host != strings.ToLower(host) {
				return nil, fmt.Errorf("failed to render a shared SNI matcher: host %q of %s is not lower case", host, shoot.TechnicalID)
			}
			if _, taken := keys[host]; taken {
				return nil, fmt.Errorf("failed to render a shared SNI matcher: host %q is given twice", host)
			}
			keys[host] = onMatch
			predicates = append(predicates, stringPredicate(serverName, &xdsmatcherv3.StringMatcher{
				MatchPattern: &xdsmatcherv3.StringMatcher_Exact{Exact: host}, IgnoreCase: true,
			}))
		}
		anyCase = append(anyCase, &xdsmatcherv3.Matcher_MatcherList_FieldMatcher{Predicate: anyOf(predicates), OnMatch: onMatch})
	}

	matcher := &xdsmatcherv3.Matcher{OnNoMatch: allow}
	if len(keys) == 0 {
		return matcher, nil
	}
	matcher.MatcherType = &xdsmatcherv3.Matcher_MatcherTree_{MatcherTree: &xdsmatcherv3.Matcher_MatcherTree{
		Input:    serverName,
		TreeType: &xdsmatcherv3.Matcher_MatcherTree_ExactMatchMap{ExactMatchMap: &xdsmatcherv3.Matcher_MatcherTree_MatchMap{Map: keys}},
	}}
	hasUpperCase := stringPredicate(serverName, &xdsmatcherv3.StringMatcher{MatchPattern: &xdsmatcherv3.StringMatcher_SafeRegex{
		SafeRegex: &xdsmatcherv3.RegexMatcher{EngineType: &xdsmatcherv3.RegexMatcher_GoogleRe2{GoogleRe2: &xdsmatcherv3.RegexMatcher_GoogleRE2{}}, Regex: upperCaseLetter},
	}})
	ignoringCase := &xdsmatcherv3.Matcher{
		MatcherType: &xdsmatcherv3.Matcher_MatcherList_{MatcherList: &xdsmatcherv3.Matcher_MatcherList{Matchers: anyCase}},
		OnNoMatch:   allow,
	}
	matcher.OnNoMatch = &xdsmatcherv3.Matcher_OnMatch{OnMatch: &xdsmatcherv3.Matcher_OnMatch_Matcher{Matcher: &xdsmatcherv3.Matcher{
		MatcherType: &xdsmatcherv3.Matcher_MatcherList_{MatcherList: &xdsmatcherv3.Matcher_MatcherList{
			Matchers: []*xdsmatcherv3.Matcher_MatcherList_FieldMatcher{{
				Predicate: hasUpperCase,
				OnMatch:   &xdsmatcherv3.Matcher_OnMatch{OnMatch: &xdsmatcherv3.Matcher_OnMatch_Matcher{Matcher: ignoringCase}},
			}},
		}},
		OnNoMatch: allow,
	}}}
	filter := &rbacnetworkv3.RBAC{StatPrefix: "acl_sni_", Matcher: matcher}
	if err := filter.ValidateAll(); err != nil {
		return nil, fmt.Errorf("failed to render a valid shared SNI matcher: %w", err)
	}
	return matcher, nil
}

// stringPredicate matches when the input's value satisfies the string matcher.
func stringPredicate(input *xdscorev3.TypedExtensionConfig, matcher *xdsmatcherv3.StringMatcher) *xdsmatcherv3.Matcher_MatcherList_Predicate {
	return &xdsmatcherv3.Matcher_MatcherList_Predicate{MatchType: &xdsmatcherv3.Matcher_MatcherList_Predicate_SinglePredicate_{
		SinglePredicate: &xdsmatcherv3.Matcher_MatcherList_Predicate_SinglePredicate{
			Input:   input,
			Matcher: &xdsmatcherv3.Matcher_MatcherList_Predicate_SinglePredicate_ValueMatch{ValueMatch: matcher},
		},
	}}
}

// anyOf matches when any of the predicates does; Envoy wants two or more in an or_matcher.
func anyOf(predicates []*xdsmatcherv3.Matcher_MatcherList_Predicate) *xdsmatcherv3.Matcher_MatcherList_Predicate {
	if len(predicates) == 1 {
		return predicates[0]
	}
	return &xdsmatcherv3.Matcher_MatcherList_Predicate{MatchType: &xdsmatcherv3.Matcher_MatcherList_Predicate_OrMatcher{
		OrMatcher: &xdsmatcherv3.Matcher_MatcherList_Predicate_PredicateList{Predicate: predicates},
	}}
}
