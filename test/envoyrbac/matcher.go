// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyrbac

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	xdscorev3 "github.com/cncf/xds/go/xds/core/v3"
	xdsmatcherv3 "github.com/cncf/xds/go/xds/type/matcher/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	networkinputsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/matching/common_inputs/network/v3"
	ipmatcherv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/matching/input_matchers/ip/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	"google.golang.org/protobuf/proto"
)

// errNoMatch is the result of a match tree that reaches no action.
var errNoMatch = errors.New("no action")

// MatcherAllowed reports whether an RBAC filter configured with a match tree (the filter's `matcher` instead of
// `rules`) admits the request. Envoy resolves the tree to an envoy.config.rbac.v3.Action: ALLOW and LOG admit, DENY
// refuses, and a request that reaches no action is refused (envoy/extensions/filters/http/rbac/v3/rbac.proto,
// `matcher`).
//
// The subset: match lists with single, or, and and not predicates; match trees with exact and prefix match maps (the
// longest matching prefix); inputs HttpRequestHeaderMatchInput (the values of a repeated header joined with ","),
// SourceIPInput (the remote address, as remote_ip), DirectSourceIPInput (as direct_remote_ip) and ServerNameInput;
// value matchers xds StringMatcher (exact and prefix, also ignoring case, and RE2) and the IP input matcher (envoy.extensions.matching.input_matchers.ip.v3.Ip). A
// nested matcher without on_no_match and keep_matching are errors: what Envoy does after a nested matcher finds
// nothing is not modelled.
func MatcherAllowed(matcher *xdsmatcherv3.Matcher, request Request) (bool, error) {
	action, err := resolve(matcher, request)
	if errors.Is(err, errNoMatch) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	switch action.GetAction() {
	case rbacconfigv3.RBAC_ALLOW, rbacconfigv3.RBAC_LOG:
		return true, nil
	case rbacconfigv3.RBAC_DENY:
		return false, nil
	default:
		return false, fmt.Errorf("action %s: unsupported RBAC action %s", action.GetName(), action.GetAction())
	}
}

// FilterAllowed reports whether an RBAC filter's configuration admits the request: its match tree when it has one,
// its rules otherwise (Envoy refuses a filter with both). Either may be the shadow pair of a filter.
func FilterAllowed(rules *rbacconfigv3.RBAC, matcher *xdsmatcherv3.Matcher, request Request) (bool, error) {
	if matcher != nil {
		return MatcherAllowed(matcher, request)
	}
	return Allowed(rules, request)
}

// resolve walks the match tree to its action.
func resolve(matcher *xdsmatcherv3.Matcher, request Request) (*rbacconfigv3.Action, error) {
	onMatch, err := firstMatch(matcher, request)
	if err != nil {
		return nil, err
	}
	if onMatch == nil {
		onMatch = matcher.GetOnNoMatch()
	}
	if onMatch == nil {
		return nil, errNoMatch
	}
	return follow(onMatch, request)
}

// follow resolves an on_match: an action, or a nested matcher that must resolve by itself.
func follow(onMatch *xdsmatcherv3.Matcher_OnMatch, request Request) (*rbacconfigv3.Action, error) {
	if onMatch.GetKeepMatching() {
		return nil, errors.New("keep_matching is not supported")
	}
	switch next := onMatch.GetOnMatch().(type) {
	case *xdsmatcherv3.Matcher_OnMatch_Action:
		action := &rbacconfigv3.Action{}
		if err := unpack(next.Action, action); err != nil {
			return nil, err
		}
		return action, nil
	case *xdsmatcherv3.Matcher_OnMatch_Matcher:
		if next.Matcher.GetOnNoMatch() == nil {
			return nil, errors.New("a nested matcher without on_no_match is not supported")
		}
		return resolve(next.Matcher, request)
	default:
		return nil, fmt.Errorf("unsupported on_match %T", next)
	}
}

// firstMatch returns the on_match the matcher selects, nil when nothing matches.
func firstMatch(matcher *xdsmatcherv3.Matcher, request Request) (*xdsmatcherv3.Matcher_OnMatch, error) {
	switch m := matcher.GetMatcherType().(type) {
	case *xdsmatcherv3.Matcher_MatcherList_:
		for i, field := range m.MatcherList.GetMatchers() {
			matched, err := predicateMatches(field.GetPredicate(), request)
			if err != nil {
				return nil, fmt.Errorf("matcher %d: %w", i, err)
			}
			if matched {
				return field.GetOnMatch(), nil
			}
		}
		return nil, nil
	case *xdsmatcherv3.Matcher_MatcherTree_:
		value, ok, err := inputValue(m.MatcherTree.GetInput(), request)
		if err != nil || !ok {
			return nil, err
		}
		switch tree := m.MatcherTree.GetTreeType().(type) {
		case *xdsmatcherv3.Matcher_MatcherTree_ExactMatchMap:
			return tree.ExactMatchMap.GetMap()[value], nil
		case *xdsmatcherv3.Matcher_MatcherTree_PrefixMatchMap:
			// The longest key that prefixes the value, looked up from the value's side as Envoy's trie does: the cost
			// grows with the value's length, not with the number of keys.
			keys := tree.PrefixMatchMap.GetMap()
			for length := len(value); length >= 0; length-- {
				if onMatch, ok := keys[value[:length]]; ok {
					return onMatch, nil
				}
			}
			return nil, nil
		default:
			return nil, fmt.Errorf("unsupported match tree %T", tree)
		}
	case nil:
		// A matcher with only on_no_match.
		return nil, nil
	default:
		return nil, fmt.Errorf("unsupported matcher %T", m)
	}
}

func predicateMatches(predicate *xdsmatcherv3.Matcher_MatcherList_Predicate, request Request) (bool, error) {
	switch p := predicate.GetMatchType().(type) {
	case *xdsmatcherv3.Matcher_MatcherList_Predicate_SinglePredicate_:
		return singlePredicateMatches(p.SinglePredicate, request)
	case *xdsmatcherv3.Matcher_MatcherList_Predicate_OrMatcher:
		return anyMatches(p.OrMatcher.GetPredicate(), request, predicateMatches)
	case *xdsmatcherv3.Matcher_MatcherList_Predicate_AndMatcher:
		return allMatch(p.AndMatcher.GetPredicate(), request, predicateMatches)
	case *xdsmatcherv3.Matcher_MatcherList_Predicate_NotMatcher:
		matched, err := predicateMatches(p.NotMatcher, request)
		return !matched, err
	default:
		return false, fmt.Errorf("unsupported predicate %T", p)
	}
}

// singlePredicateMatches applies a value matcher to an input; an input without data matches nothing.
func singlePredicateMatches(predicate *xdsmatcherv3.Matcher_MatcherList_Predicate_SinglePredicate, request Request) (bool, error) {
	value, ok, err := inputValue(predicate.GetInput(), request)
	if err != nil || !ok {
		return false, err
	}
	switch m := predicate.GetMatcher().(type) {
	case *xdsmatcherv3.Matcher_MatcherList_Predicate_SinglePredicate_ValueMatch:
		return xdsStringMatches(m.ValueMatch, value)
	case *xdsmatcherv3.Matcher_MatcherList_Predicate_SinglePredicate_CustomMatch:
		ip := &ipmatcherv3.Ip{}
		if err := unpack(m.CustomMatch, ip); err != nil {
			return false, err
		}
		addr, err := netip.ParseAddr(value)
		if err != nil {
			// The IP matcher does not match input that is no address.
			return false, nil //nolint:nilerr // not an error of the configuration
		}
		return anyMatches(ip.GetCidrRanges(), request, func(cidr *corev3.CidrRange, _ Request) (bool, error) {
			return cidrContains(cidr, addr)
		})
	default:
		return false, fmt.Errorf("unsupported value matcher %T", m)
	}
}

// inputValue returns what a data input yields for the request, and false when it has no data.
func inputValue(input *xdscorev3.TypedExtensionConfig, request Request) (string, bool, error) {
	message, err := input.GetTypedConfig().UnmarshalNew()
	if err != nil {
		return "", false, fmt.Errorf("input %s: %w", input.GetName(), err)
	}
	address := func(addr netip.Addr) (string, bool, error) {
		if !addr.IsValid() {
			return "", false, nil
		}
		return addr.String(), true, nil
	}
	switch in := message.(type) {
	case *matcherv3.HttpRequestHeaderMatchInput:
		values, ok := headerValues(request.Headers, in.GetHeaderName())
		if !ok {
			return "", false, nil
		}
		return strings.Join(values, ","), true, nil
	case *networkinputsv3.SourceIPInput:
		return address(request.RemoteIP)
	case *networkinputsv3.DirectSourceIPInput:
		return address(request.DirectRemoteIP)
	case *networkinputsv3.ServerNameInput:
		if request.ServerName == "" {
			return "", false, nil
		}
		return request.ServerName, true, nil
	default:
		return "", false, fmt.Errorf("unsupported input %T", in)
	}
}

// headerValues returns the values of the header with the given name, compared case-insensitively as HTTP header
// names are, in the order of the map's keys for several spellings (a request has one).
func headerValues(headers map[string][]string, name string) ([]string, bool) {
	var values []string
	found := false
	for key, v := range headers {
		if strings.EqualFold(key, name) {
			values, found = append(values, v...), true
		}
	}
	return values, found
}

// xdsStringMatches applies an exact, prefix or RE2 string matcher of the xds API: exact and prefix as the Envoy API's
// (stringMatches, ignore_case folding ASCII letters), a regular expression against the whole value (Envoy ignores
// ignore_case for those).
func xdsStringMatches(matcher *xdsmatcherv3.StringMatcher, value string) (bool, error) {
	switch pattern := matcher.GetMatchPattern().(type) {
	case *xdsmatcherv3.StringMatcher_Exact:
		return stringMatches(&matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Exact{Exact: pattern.Exact}, IgnoreCase: matcher.GetIgnoreCase()}, value)
	case *xdsmatcherv3.StringMatcher_Prefix:
		return stringMatches(&matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Prefix{Prefix: pattern.Prefix}, IgnoreCase: matcher.GetIgnoreCase()}, value)
	case *xdsmatcherv3.StringMatcher_SafeRegex:
		// RE2, the only engine of the API, and Go's regexp share their syntax; Envoy matches the whole value.
		re, err := regexp.Compile(`^(?:` + pattern.SafeRegex.GetRegex() + `)$`)
		if err != nil {
			return false, fmt.Errorf("invalid regular expression %q: %w", pattern.SafeRegex.GetRegex(), err)
		}
		return re.MatchString(value), nil
	default:
		return false, fmt.Errorf("unsupported string matcher %T", pattern)
	}
}

func unpack(config *xdscorev3.TypedExtensionConfig, into proto.Message) error {
	if err := config.GetTypedConfig().UnmarshalTo(into); err != nil {
		return fmt.Errorf("extension %s: %w", config.GetName(), err)
	}
	return nil
}
