// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package envoyrbac evaluates Envoy RBAC rules for a request, for the subset of Envoy's RBAC API that the ACL
// extension emits, so that tests can check what the rendered filters admit without an Envoy binary. Anything outside
// that subset is an error, never a guess.
package envoyrbac

import (
	"fmt"
	"net/netip"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
)

// Request is what an RBAC filter sees of a connection or request. The three addresses follow Envoy's RBAC API
// (envoy/config/rbac/v3/rbac.proto): for a client C behind a load balancer that speaks the PROXY protocol from
// address D, with an X-Forwarded-For header that Envoy trusts, RemoteIP is C, ConnectionRemoteIP is what the PROXY
// protocol said, and DirectRemoteIP is D.
type Request struct {
	// RemoteIP is the original client address, after the PROXY protocol and trusted X-Forwarded-For (remote_ip).
	RemoteIP netip.Addr
	// ConnectionRemoteIP is the downstream address honouring the PROXY protocol but not X-Forwarded-For (the
	// deprecated source_ip).
	ConnectionRemoteIP netip.Addr
	// DirectRemoteIP is the physical peer of the connection (direct_remote_ip).
	DirectRemoteIP netip.Addr
	// ServerName is the SNI the client sent in its TLS ClientHello, empty without one.
	ServerName string
	// Headers are the request headers; a network filter sees none. Names are matched case-insensitively, as HTTP
	// header names are.
	Headers map[string][]string
}

// Allowed reports whether rules admit the request. With action ALLOW a request is admitted when any policy matches,
// with DENY when none does. A policy matches when any of its permissions and any of its principals match.
func Allowed(rules *rbacconfigv3.RBAC, request Request) (bool, error) {
	matched := false
	for name, policy := range rules.GetPolicies() {
		permission, err := anyPermission(policy.GetPermissions(), request)
		if err != nil {
			return false, fmt.Errorf("policy %s: %w", name, err)
		}
		principal, err := anyPrincipal(policy.GetPrincipals(), request)
		if err != nil {
			return false, fmt.Errorf("policy %s: %w", name, err)
		}
		matched = matched || (permission && principal)
	}
	switch rules.GetAction() {
	case rbacconfigv3.RBAC_ALLOW:
		return matched, nil
	case rbacconfigv3.RBAC_DENY:
		return !matched, nil
	default:
		return false, fmt.Errorf("unsupported RBAC action %s", rules.GetAction())
	}
}

// anyMatches reports whether match holds for any item; an error stops the evaluation.
func anyMatches[T any](items []T, request Request, match func(T, Request) (bool, error)) (bool, error) {
	for _, item := range items {
		matched, err := match(item, request)
		if err != nil || matched {
			return matched, err
		}
	}
	return false, nil
}

// allMatch reports whether match holds for every item: no item fails to match. An error stops the evaluation.
func allMatch[T any](items []T, request Request, match func(T, Request) (bool, error)) (bool, error) {
	failed, err := anyMatches(items, request, func(item T, request Request) (bool, error) {
		matched, err := match(item, request)
		return !matched, err
	})
	return !failed && err == nil, err
}

func anyPermission(permissions []*rbacconfigv3.Permission, request Request) (bool, error) {
	return anyMatches(permissions, request, permissionMatches)
}

func permissionMatches(permission *rbacconfigv3.Permission, request Request) (bool, error) {
	switch rule := permission.GetRule().(type) {
	case *rbacconfigv3.Permission_Any:
		return rule.Any, nil
	case *rbacconfigv3.Permission_Header:
		return headerMatches(rule.Header, request.Headers)
	case *rbacconfigv3.Permission_RequestedServerName:
		return stringMatches(rule.RequestedServerName, request.ServerName)
	case *rbacconfigv3.Permission_NotRule:
		matched, err := permissionMatches(rule.NotRule, request)
		return !matched, err
	case *rbacconfigv3.Permission_OrRules:
		return anyPermission(rule.OrRules.GetRules(), request)
	case *rbacconfigv3.Permission_AndRules:
		return allMatch(rule.AndRules.GetRules(), request, permissionMatches)
	default:
		return false, fmt.Errorf("unsupported permission %T", rule)
	}
}

// headerMatches matches a header the way Envoy does: several values of one header are joined with "," before the
// match, and a missing header matches nothing (for exact matches).
func headerMatches(matcher *routev3.HeaderMatcher, headers map[string][]string) (bool, error) {
	values, found := headerValues(headers, matcher.GetName())
	if matcher.GetInvertMatch() || matcher.GetTreatMissingHeaderAsEmpty() {
		return false, fmt.Errorf("unsupported header matcher options in %s", matcher.GetName())
	}
	stringMatch, ok := matcher.GetHeaderMatchSpecifier().(*routev3.HeaderMatcher_StringMatch)
	if !ok {
		return false, fmt.Errorf("unsupported header matcher %T", matcher.GetHeaderMatchSpecifier())
	}
	if stringMatch.StringMatch.GetIgnoreCase() {
		return false, fmt.Errorf("unsupported case-insensitive header match of %s", matcher.GetName())
	}
	if !found {
		// The matcher is still checked for being supported, so that unsupported matchers fail even without the header.
		_, err := stringMatches(stringMatch.StringMatch, "")
		return false, err
	}
	return stringMatches(stringMatch.StringMatch, strings.Join(values, ","))
}

// stringMatches applies an exact or prefix string matcher, honouring ignore_case as Envoy does (ASCII case folding).
func stringMatches(matcher *matcherv3.StringMatcher, value string) (bool, error) {
	switch pattern := matcher.GetMatchPattern().(type) {
	case *matcherv3.StringMatcher_Exact:
		if matcher.GetIgnoreCase() {
			return asciiEqualFold(value, pattern.Exact), nil
		}
		return value == pattern.Exact, nil
	case *matcherv3.StringMatcher_Prefix:
		if len(value) < len(pattern.Prefix) {
			return false, nil
		}
		if matcher.GetIgnoreCase() {
			return asciiEqualFold(value[:len(pattern.Prefix)], pattern.Prefix), nil
		}
		return strings.HasPrefix(value, pattern.Prefix), nil
	default:
		return false, fmt.Errorf("unsupported string matcher %T", matcher.GetMatchPattern())
	}
}

// asciiEqualFold compares like Envoy's absl::EqualsIgnoreCase: only ASCII letters fold, unlike strings.EqualFold,
// which also folds Unicode (e.g. the Kelvin sign K with k) and would claim matches Envoy does not make.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func anyPrincipal(principals []*rbacconfigv3.Principal, request Request) (bool, error) {
	return anyMatches(principals, request, principalMatches)
}

func principalMatches(principal *rbacconfigv3.Principal, request Request) (bool, error) {
	switch identifier := principal.GetIdentifier().(type) {
	case *rbacconfigv3.Principal_Any:
		return identifier.Any, nil
	case *rbacconfigv3.Principal_RemoteIp:
		return cidrContains(identifier.RemoteIp, request.RemoteIP)
	case *rbacconfigv3.Principal_DirectRemoteIp:
		return cidrContains(identifier.DirectRemoteIp, request.DirectRemoteIP)
	case *rbacconfigv3.Principal_SourceIp: //nolint:staticcheck // the deprecated kind is part of the subset
		return cidrContains(identifier.SourceIp, request.ConnectionRemoteIP) //nolint:staticcheck // see above
	case *rbacconfigv3.Principal_NotId:
		matched, err := principalMatches(identifier.NotId, request)
		return !matched, err
	case *rbacconfigv3.Principal_OrIds:
		return anyPrincipal(identifier.OrIds.GetIds(), request)
	case *rbacconfigv3.Principal_AndIds:
		return allMatch(identifier.AndIds.GetIds(), request, principalMatches)
	default:
		return false, fmt.Errorf("unsupported principal %T", identifier)
	}
}

// cidrContains matches a CidrRange as Envoy does: same family, first prefix_len bits equal. An IPv4-mapped IPv6
// address is an IPv6 address here.
func cidrContains(cidr *corev3.CidrRange, addr netip.Addr) (bool, error) {
	base, err := netip.ParseAddr(cidr.GetAddressPrefix())
	if err != nil {
		return false, fmt.Errorf("invalid address_prefix %q: %w", cidr.GetAddressPrefix(), err)
	}
	bits := int(cidr.GetPrefixLen().GetValue())
	if bits > base.BitLen() {
		return false, fmt.Errorf("prefix_len %d exceeds %s", bits, base)
	}
	if !addr.IsValid() {
		return false, nil
	}
	return netip.PrefixFrom(base, bits).Masked().Contains(addr), nil
}
