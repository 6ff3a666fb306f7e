// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"

	xdscorev3 "github.com/cncf/xds/go/xds/core/v3"
	xdsmatcherv3 "github.com/cncf/xds/go/xds/type/matcher/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	networkinputsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/matching/common_inputs/network/v3"
	ipmatcherv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/matching/input_matchers/ip/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
)

// SharedListenerShards is the number of groups the ACL shoots of a gateway are hashed into (Shard) on the shared
// listeners. Each listener gets one RBAC filter per shard and destination form (SharedSlot): a filter holds, for one
// form of destination (say the kube-apiserver), the rules of its shard's shoots once, so that no object holds a
// shoot's ranges more than once and one shoot at the largest allowed rules fits an object many times over. The number
// is fixed: the listener must not change when shoots come and go, and a request costs one lookup per filter whatever
// the number of shoots.
const SharedListenerShards = 8

// SharedSlot is one RBAC filter of a shared listener: the shoots of a shard, for one destination form (an index into
// Destinations).
type SharedSlot struct {
	// Form is the index of the destination form in Destinations.
	Form int
	// Shard is the shard of the shoots (Shard).
	Shard int
}

// SharedSlots returns every slot of a shared listener, in the order of its filters.
func SharedSlots() []SharedSlot {
	forms := len(Destinations(""))
	slots := make([]SharedSlot, 0, forms*SharedListenerShards)
	for form := range forms {
		for shard := range SharedListenerShards {
			slots = append(slots, SharedSlot{Form: form, Shard: shard})
		}
	}
	return slots
}

// SharedShoot is what a shared listener needs to know of an ACL shoot: which requests are its own and whom it admits.
type SharedShoot struct {
	// TechnicalID is the shoot's technical ID, the namespace its destinations name.
	TechnicalID string
	// PrincipalType is the source address the shoot's rules name.
	PrincipalType acl.PrincipalType
	// Allowed are the sources the shoot admits: its rules and the always-allowed sources (AllowedPrefixes).
	Allowed []netip.Prefix
	// SNIHosts are the shoot's hosts on the gateways' shared SNI chains (Input.SharedSNIHosts), sorted, lower case.
	SNIHosts []string
	// Audit puts the shoot's checks into the filters' shadow match trees (policy.Policy.Audited): evaluated and
	// counted, never enforced.
	Audit bool
}

// byMode builds the match trees of a filter that several shoots share: its match tree from the shoots whose rules are
// enforced and, when some shoots are audited, its shadow match tree from those (nil otherwise, so that a seed without
// audited shoots renders as before Audit mode existed).
func byMode(shoots []SharedShoot, build func([]SharedShoot) (*xdsmatcherv3.Matcher, error)) (matcher, shadow *xdsmatcherv3.Matcher, err error) {
	var enforced, audited []SharedShoot
	for _, shoot := range shoots {
		if shoot.Audit {
			audited = append(audited, shoot)
		} else {
			enforced = append(enforced, shoot)
		}
	}
	if matcher, err = build(enforced); err != nil || len(audited) == 0 {
		return matcher, nil, err
	}
	shadow, err = build(audited)
	return matcher, shadow, err
}

// Shard returns the shard of a shoot's rules on the shared listeners. The hash is SHA-256: technical IDs differ in a few
// characters, and FNV-1a taken modulo a power of two leaves whole shards empty for them.
func Shard(technicalID string) int {
	return shardOf(technicalID, SharedListenerShards)
}

// shardOf hashes a technical ID into one of n shards.
func shardOf(technicalID string, n uint32) int {
	sum := sha256.Sum256([]byte(technicalID))
	return int(binary.BigEndian.Uint32(sum[:4]) % n)
}

// SharedListenerMatcher returns the match tree of an HTTP RBAC filter on a listener that every shoot of the seed
// shares and that routes by header, for one destination form (an index into Destinations); the filters of all forms
// together check every request. A request is a shoot's when the header's joined values start with the shoot's
// destination of that form: the value itself, the value followed by further values (",", a repeated header), or anything
// else that begins with it, which no route of gardener's admits (its routes require the whole value to be a
// destination). The shoot's requests are denied unless their source is admitted, and IPv4-mapped IPv6 sources are never
// admitted (see Principals); every other request is allowed, so the tree never blocks another shoot. That a
// destination cannot begin with another shoot's follows from gardener's names: a namespace holds no dot, and a project
// or shoot name no "--" (validateNameConsecutiveHyphens in gardener's pkg/api/core/validation/utils.go, v1.150.0); and
// the longest destination that prefixes the value selects the check, so even then a shoot's own requests reach its own
// check. A request costs a lookup in a prefix tree and at most one in a range trie, however many shoots the tree holds.
func SharedListenerMatcher(header string, form int, shoots []SharedShoot) (*xdsmatcherv3.Matcher, error) {
	return sharedListenerMatcher(header, form, shoots, nil)
}

// sharedListenerMatcher is SharedListenerMatcher with the shoots' source checks (sourceCheck) by technical ID, where
// the caller built them already: every form and shared listener has the same check for a shoot, and building it
// anew for each holds a large rule set 16 times.
func sharedListenerMatcher(header string, form int, shoots []SharedShoot, checks map[string]*xdsmatcherv3.Matcher) (*xdsmatcherv3.Matcher, error) {
	allow, err := rbacAction("acl-other", rbacconfigv3.RBAC_ALLOW)
	if err != nil {
		return nil, err
	}
	headerInput, err := typedExtension("destination", &matcherv3.HttpRequestHeaderMatchInput{HeaderName: header})
	if err != nil {
		return nil, err
	}

	sorted := slices.Clone(shoots)
	slices.SortFunc(sorted, func(a, b SharedShoot) int { return cmp.Compare(a.TechnicalID, b.TechnicalID) })
	keys := map[string]*xdsmatcherv3.Matcher_OnMatch{}
	for _, shoot := range sorted {
		destinations := Destinations(shoot.TechnicalID)
		if form < 0 || form >= len(destinations) {
			return nil, fmt.Errorf("failed to render a shared listener matcher: there is no destination form %d", form)
		}
		destination := destinations[form]
		if _, taken := keys[destination]; taken {
			return nil, fmt.Errorf("failed to render a shared listener matcher: destination %q is given twice", destination)
		}
		check, ok := checks[shoot.TechnicalID]
		if !ok {
			if check, err = sourceCheck(shoot); err != nil {
				return nil, err
			}
		}
		keys[destination] = &xdsmatcherv3.Matcher_OnMatch{OnMatch: &xdsmatcherv3.Matcher_OnMatch_Matcher{Matcher: check}}
	}

	matcher := &xdsmatcherv3.Matcher{OnNoMatch: allow}
	if len(keys) > 0 {
		matcher.MatcherType = &xdsmatcherv3.Matcher_MatcherTree_{MatcherTree: &xdsmatcherv3.Matcher_MatcherTree{
			Input:    headerInput,
			TreeType: &xdsmatcherv3.Matcher_MatcherTree_PrefixMatchMap{PrefixMatchMap: &xdsmatcherv3.Matcher_MatcherTree_MatchMap{Map: keys}},
		}}
	}
	filter := &rbachttpv3.RBAC{Matcher: matcher}
	if err := filter.ValidateAll(); err != nil {
		return nil, fmt.Errorf("failed to render a valid shared listener matcher: %w", err)
	}
	return matcher, nil
}

// sourceCheck is the matcher under each of a shoot's destinations: allow the admitted sources, deny the rest. The
// admitted set leaves out the IPv4-mapped IPv6 addresses, so a single range lookup decides.
func sourceCheck(shoot SharedShoot) (*xdsmatcherv3.Matcher, error) {
	allow, err := rbacAction("acl-admitted", rbacconfigv3.RBAC_ALLOW)
	if err != nil {
		return nil, err
	}
	deny, err := rbacAction("acl-"+shoot.TechnicalID, rbacconfigv3.RBAC_DENY)
	if err != nil {
		return nil, err
	}
	check := &xdsmatcherv3.Matcher{OnNoMatch: deny}
	admitted := admittedPrefixes(shoot.Allowed)
	if len(admitted) == 0 {
		return check, nil
	}
	source, err := sourceInput(shoot.PrincipalType)
	if err != nil {
		return nil, err
	}
	predicate, err := ipPredicate(source, "acl_"+shoot.TechnicalID+"_", admitted)
	if err != nil {
		return nil, err
	}
	check.MatcherType = &xdsmatcherv3.Matcher_MatcherList_{MatcherList: &xdsmatcherv3.Matcher_MatcherList{
		Matchers: []*xdsmatcherv3.Matcher_MatcherList_FieldMatcher{{Predicate: predicate, OnMatch: allow}},
	}}
	return check, nil
}

// admittedPrefixes returns the minimal prefixes of the allowed sources without the IPv4-mapped IPv6 addresses.
func admittedPrefixes(allowed []netip.Prefix) []netip.Prefix {
	builder := unionBuilder(allowed)
	builder.RemovePrefix(ipv4MappedRange)
	set, _ := builder.IPSet() // valid prefixes cannot make the builder fail
	return set.Prefixes()
}

// ipPredicate matches when the source input's address lies in one of the prefixes (Envoy's IP input matcher, an LC
// trie).
func ipPredicate(input *xdscorev3.TypedExtensionConfig, statPrefix string, prefixes []netip.Prefix) (*xdsmatcherv3.Matcher_MatcherList_Predicate, error) {
	ranges := make([]*corev3.CidrRange, 0, len(prefixes))
	for _, prefix := range prefixes {
		ranges = append(ranges, &corev3.CidrRange{AddressPrefix: prefix.Addr().String(), PrefixLen: wrapperspb.UInt32(uint32(prefix.Bits()))}) // #nosec G115 -- a prefix length is at most 128
	}
	ip, err := typedExtension("envoy.matching.matchers.ip", &ipmatcherv3.Ip{CidrRanges: ranges, StatPrefix: statPrefix})
	if err != nil {
		return nil, err
	}
	return &xdsmatcherv3.Matcher_MatcherList_Predicate{MatchType: &xdsmatcherv3.Matcher_MatcherList_Predicate_SinglePredicate_{
		SinglePredicate: &xdsmatcherv3.Matcher_MatcherList_Predicate_SinglePredicate{
			Input:   input,
			Matcher: &xdsmatcherv3.Matcher_MatcherList_Predicate_SinglePredicate_CustomMatch{CustomMatch: ip},
		},
	}}, nil
}

// sourceInput is the matching input of the address a principal type names. source_ip (the connection's address after
// the PROXY protocol, before X-Forwarded-For) has no input of its own; on an HTTP listener that trusts no
// X-Forwarded-For hop, which is istio's default for gateways, the request's source address is that address.
func sourceInput(principalType acl.PrincipalType) (*xdscorev3.TypedExtensionConfig, error) {
	switch principalType {
	case acl.PrincipalTypeRemoteIP, acl.PrincipalTypeSourceIP:
		return typedExtension("source-ip", &networkinputsv3.SourceIPInput{})
	case acl.PrincipalTypeDirectRemoteIP:
		return typedExtension("direct-source-ip", &networkinputsv3.DirectSourceIPInput{})
	default:
		return nil, fmt.Errorf("failed to render a source input: unknown principal type %q", principalType)
	}
}

func rbacAction(name string, action rbacconfigv3.RBAC_Action) (*xdsmatcherv3.Matcher_OnMatch, error) {
	config, err := typedExtension(name, &rbacconfigv3.Action{Name: name, Action: action})
	if err != nil {
		return nil, err
	}
	return &xdsmatcherv3.Matcher_OnMatch{OnMatch: &xdsmatcherv3.Matcher_OnMatch_Action{Action: config}}, nil
}

func typedExtension(name string, config proto.Message) (*xdscorev3.TypedExtensionConfig, error) {
	typed, err := anypb.New(config)
	if err != nil {
		return nil, fmt.Errorf("failed to wrap %s: %w", name, err)
	}
	return &xdscorev3.TypedExtensionConfig{Name: name, TypedConfig: typed}, nil
}
