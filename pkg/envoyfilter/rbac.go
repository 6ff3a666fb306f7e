// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"fmt"
	"net/netip"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	rbacnetworkv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
)

const (
	// policyAllowedSources admits the allowed source prefixes.
	policyAllowedSources = "acl-allowed-sources"
	// policyOtherShoots admits requests on a shared listener or filter chain that are not for the protected shoot.
	policyOtherShoots = "acl-other-shoots"
)

// ipv4MappedRange holds the IPv4-mapped IPv6 addresses (::ffff:a.b.c.d).
var ipv4MappedRange = netip.MustParsePrefix("::ffff:0:0/96")

// Principals returns one RBAC principal per prefix, matching the source address the shoot's rules name. An IPv6 prefix
// that contains the IPv4-mapped range (such as ::/0, which DENY-only rules admit) excludes it: an IPv4 client seen as
// ::ffff:a.b.c.d must be judged by its IPv4 address, never admitted by an IPv6 range while its IPv4 address is denied.
// Envoy converts mapped socket addresses to IPv4 on dual-stack listeners, so the exclusion only matters for addresses
// taken from PROXY protocol or X-Forwarded-For, and there it fails closed.
func Principals(principalType acl.PrincipalType, prefixes []netip.Prefix) ([]*rbacconfigv3.Principal, error) {
	principals := make([]*rbacconfigv3.Principal, 0, len(prefixes))
	for _, prefix := range prefixes {
		principal, err := sourcePrincipal(principalType, prefix)
		if err != nil {
			return nil, err
		}
		if prefix.Bits() <= ipv4MappedRange.Bits() && prefix.Contains(ipv4MappedRange.Addr()) {
			mapped, err := sourcePrincipal(principalType, ipv4MappedRange)
			if err != nil {
				return nil, err
			}
			principal = &rbacconfigv3.Principal{Identifier: &rbacconfigv3.Principal_AndIds{AndIds: &rbacconfigv3.Principal_Set{Ids: []*rbacconfigv3.Principal{
				principal, {Identifier: &rbacconfigv3.Principal_NotId{NotId: mapped}},
			}}}}
		}
		principals = append(principals, principal)
	}
	return principals, nil
}

// sourcePrincipal returns the principal that matches sources in prefix by the address the principal type names.
func sourcePrincipal(principalType acl.PrincipalType, prefix netip.Prefix) (*rbacconfigv3.Principal, error) {
	cidr := &corev3.CidrRange{AddressPrefix: prefix.Addr().String(), PrefixLen: wrapperspb.UInt32(uint32(prefix.Bits()))} // #nosec G115 -- a prefix length is at most 128
	switch principalType {
	case acl.PrincipalTypeRemoteIP:
		return &rbacconfigv3.Principal{Identifier: &rbacconfigv3.Principal_RemoteIp{RemoteIp: cidr}}, nil
	case acl.PrincipalTypeDirectRemoteIP:
		return &rbacconfigv3.Principal{Identifier: &rbacconfigv3.Principal_DirectRemoteIp{DirectRemoteIp: cidr}}, nil
	case acl.PrincipalTypeSourceIP:
		return &rbacconfigv3.Principal{Identifier: &rbacconfigv3.Principal_SourceIp{SourceIp: cidr}}, nil //nolint:staticcheck // deprecated in Envoy, still accepted for compatibility
	default:
		return nil, fmt.Errorf("failed to render principals: unknown principal type %q", principalType)
	}
}

// NetworkRBAC returns the network RBAC filter that admits connections only from the given prefixes. It belongs first
// in the filter chains that serve a single shoot (SNI passthrough of its hostnames). With no prefixes it admits
// nothing: an ALLOW filter without policies denies every connection.
func NetworkRBAC(statPrefix string, principalType acl.PrincipalType, prefixes []netip.Prefix) (*rbacnetworkv3.RBAC, error) {
	rules, err := allowSources(principalType, prefixes)
	if err != nil {
		return nil, err
	}
	filter := &rbacnetworkv3.RBAC{StatPrefix: statPrefix, Rules: rules}
	if err := filter.ValidateAll(); err != nil {
		return nil, fmt.Errorf("failed to render a valid network RBAC filter: %w", err)
	}
	return filter, nil
}

// SharedListenerRBAC returns the HTTP RBAC filter for a listener that serves every shoot of the seed and routes by the
// value of a request header (the apiserver-proxy and reversed-VPN listeners). A request is for the shoot when the
// header's first value is one of its destinations: gardener's route sends a request to the cluster its first value
// names (Envoy's cluster_header), after matching the values joined with ",". RBAC sees the joined values too, so a
// request is the shoot's when they are exactly a destination or start with a destination and ",". Such requests are
// admitted only from the given prefixes; every other request passes this filter, so a shoot's rules never block
// another shoot. No other value, however similar, is taken for the shoot's destination, and no header values that
// route to the shoot escape the rules (destinations never contain ",").
func SharedListenerRBAC(statPrefix, header string, destinations []string, principalType acl.PrincipalType, prefixes []netip.Prefix) (*rbachttpv3.RBAC, error) {
	if len(destinations) == 0 {
		return nil, fmt.Errorf("failed to render a shared listener filter: the shoot has no destination values")
	}
	rules, err := allowSources(principalType, prefixes)
	if err != nil {
		return nil, err
	}

	ownDestinations := make([]*rbacconfigv3.Permission, 0, 2*len(destinations))
	for _, destination := range destinations {
		if strings.Contains(destination, ",") {
			return nil, fmt.Errorf("failed to render a shared listener filter: destination %q contains a comma", destination)
		}
		ownDestinations = append(ownDestinations,
			headerPermission(header, &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Exact{Exact: destination}}),
			headerPermission(header, &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Prefix{Prefix: destination + ","}}),
		)
	}
	admitOtherThan(rules, ownDestinations)

	filter := &rbachttpv3.RBAC{Rules: rules, RulesStatPrefix: statPrefix}
	if err := filter.ValidateAll(); err != nil {
		return nil, fmt.Errorf("failed to render a valid HTTP RBAC filter: %w", err)
	}
	return filter, nil
}

func headerPermission(header string, matcher *matcherv3.StringMatcher) *rbacconfigv3.Permission {
	return &rbacconfigv3.Permission{Rule: &rbacconfigv3.Permission_Header{Header: &routev3.HeaderMatcher{
		Name: header, HeaderMatchSpecifier: &routev3.HeaderMatcher_StringMatch{StringMatch: matcher},
	}}}
}

// SharedSNIRBAC returns the network RBAC filter for a filter chain that serves every shoot of the seed by a wildcard
// server name (the seed's observability ingress, where nginx routes by host behind istio's TLS passthrough). A
// connection whose SNI is one of the shoot's hosts is admitted only from the given prefixes; every other connection
// passes this filter, so a shoot's rules never block another shoot. Server names match exactly but ignoring case, as
// DNS names compare: a client cannot dodge the rules by changing the case of the name.
func SharedSNIRBAC(statPrefix string, hosts []string, principalType acl.PrincipalType, prefixes []netip.Prefix) (*rbacnetworkv3.RBAC, error) {
	if len(hosts) == 0 {
		return nil, fmt.Errorf("failed to render a shared filter chain filter: the shoot has no hosts on it")
	}
	rules, err := allowSources(principalType, prefixes)
	if err != nil {
		return nil, err
	}

	ownHosts := make([]*rbacconfigv3.Permission, 0, len(hosts))
	for _, host := range hosts {
		ownHosts = append(ownHosts, &rbacconfigv3.Permission{Rule: &rbacconfigv3.Permission_RequestedServerName{
			RequestedServerName: &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Exact{Exact: host}, IgnoreCase: true},
		}})
	}
	admitOtherThan(rules, ownHosts)

	filter := &rbacnetworkv3.RBAC{StatPrefix: statPrefix, Rules: rules}
	if err := filter.ValidateAll(); err != nil {
		return nil, fmt.Errorf("failed to render a valid network RBAC filter: %w", err)
	}
	return filter, nil
}

// AuditNetworkRBAC makes a network RBAC filter audit its rules instead of enforcing them: they become its shadow
// rules, which Envoy evaluates and counts (<stat_prefix>.rbac.shadow_allowed, shadow_denied) without closing a
// connection, and the filter enforces nothing (an RBAC filter without rules admits everything).
func AuditNetworkRBAC(filter *rbacnetworkv3.RBAC) {
	filter.ShadowRules, filter.Rules = filter.Rules, nil
}

// AuditHTTPRBAC makes an HTTP RBAC filter audit its rules instead of enforcing them, as AuditNetworkRBAC; the shadow
// rules count under the stat prefix of the rules.
func AuditHTTPRBAC(filter *rbachttpv3.RBAC) {
	filter.ShadowRules, filter.Rules = filter.Rules, nil
	filter.ShadowRulesStatPrefix = filter.GetRulesStatPrefix()
}

// admitOtherThan adds a policy to rules that admits every request from anywhere that none of the own permissions
// matches: on a listener or filter chain that several shoots share, the traffic of other shoots passes.
func admitOtherThan(rules *rbacconfigv3.RBAC, own []*rbacconfigv3.Permission) {
	rules.Policies[policyOtherShoots] = &rbacconfigv3.Policy{
		Permissions: []*rbacconfigv3.Permission{{Rule: &rbacconfigv3.Permission_NotRule{NotRule: &rbacconfigv3.Permission{
			Rule: &rbacconfigv3.Permission_OrRules{OrRules: &rbacconfigv3.Permission_Set{Rules: own}},
		}}}},
		Principals: []*rbacconfigv3.Principal{{Identifier: &rbacconfigv3.Principal_Any{Any: true}}},
	}
}

// allowSources returns RBAC rules that admit any request from the prefixes.
func allowSources(principalType acl.PrincipalType, prefixes []netip.Prefix) (*rbacconfigv3.RBAC, error) {
	principals, err := Principals(principalType, prefixes)
	if err != nil {
		return nil, err
	}
	rules := &rbacconfigv3.RBAC{Action: rbacconfigv3.RBAC_ALLOW, Policies: map[string]*rbacconfigv3.Policy{}}
	if len(principals) > 0 {
		rules.Policies[policyAllowedSources] = &rbacconfigv3.Policy{
			Permissions: []*rbacconfigv3.Permission{{Rule: &rbacconfigv3.Permission_Any{Any: true}}},
			Principals:  principals,
		}
	}
	return rules, nil
}
