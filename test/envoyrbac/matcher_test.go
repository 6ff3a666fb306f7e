// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyrbac_test

import (
	"net/netip"
	"strconv"

	xdsmatcherv3 "github.com/cncf/xds/go/xds/type/matcher/v3"
	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
)

// httpMatcher reads the match tree of an HTTP RBAC filter config written as in Envoy's documentation, validated as
// Envoy validates the config.
func httpMatcher(json string) *xdsmatcherv3.Matcher {
	config := &rbachttpv3.RBAC{}
	Expect(protojson.Unmarshal([]byte(`{"matcher":`+json+`}`), config)).To(Succeed())
	Expect(config.ValidateAll()).To(Succeed())
	return config.GetMatcher()
}

// The JSON building blocks of the match trees below, spelled as Envoy's API reference spells them.
const (
	allowAction = `{"action":{"name":"allow","typed_config":{"@type":"type.googleapis.com/envoy.config.rbac.v3.Action","name":"allow","action":"ALLOW"}}}`
	denyAction  = `{"action":{"name":"deny","typed_config":{"@type":"type.googleapis.com/envoy.config.rbac.v3.Action","name":"deny","action":"DENY"}}}`
	destination = `{"name":"destination","typed_config":{"@type":"type.googleapis.com/envoy.type.matcher.v3.HttpRequestHeaderMatchInput","header_name":"x-dest"}}`
	sourceIP    = `{"name":"source-ip","typed_config":{"@type":"type.googleapis.com/envoy.extensions.matching.common_inputs.network.v3.SourceIPInput"}}`
	directIP    = `{"name":"direct-ip","typed_config":{"@type":"type.googleapis.com/envoy.extensions.matching.common_inputs.network.v3.DirectSourceIPInput"}}`
	serverName  = `{"name":"server-name","typed_config":{"@type":"type.googleapis.com/envoy.extensions.matching.common_inputs.network.v3.ServerNameInput"}}`
)

// fromRange is a nested matcher that allows the input's addresses within address/prefixLen and denies the rest.
func fromRange(input, address string, prefixLen int) string {
	return `{"matcher":{"matcher_list":{"matchers":[{"predicate":{"single_predicate":{"input":` + input + `,"custom_match":{"name":"ip","typed_config":{"@type":"type.googleapis.com/envoy.extensions.matching.input_matchers.ip.v3.Ip","stat_prefix":"acl","cidr_ranges":[{"address_prefix":"` + address + `","prefix_len":` + strconv.Itoa(prefixLen) + `}]}}}},"on_match":` + allowAction + `}]},"on_no_match":` + denyAction + `}}`
}

var _ = Describe("MatcherAllowed", func() {
	// The layout the no-drain design gives a shared listener: the destination's exact value, or the value followed by
	// "," (a repeated header), selects a shoot's own source check; everything else passes.
	shard := httpMatcher(`{
		"matcher_tree":{"input":` + destination + `,"exact_match_map":{"map":{"mine":` + fromRange(sourceIP, "192.0.2.0", 24) + `}}},
		"on_no_match":{"matcher":{
			"matcher_tree":{"input":` + destination + `,"prefix_match_map":{"map":{"mine,":` + fromRange(sourceIP, "192.0.2.0", 24) + `}}},
			"on_no_match":` + allowAction + `}}}`)
	request := func(remote string, destinations ...string) envoyrbac.Request {
		r := envoyrbac.Request{RemoteIP: netip.MustParseAddr(remote), DirectRemoteIP: netip.MustParseAddr("10.0.0.2")}
		if len(destinations) > 0 {
			r.Headers = map[string][]string{"X-Dest": destinations}
		}
		return r
	}

	DescribeTable("decides as Envoy",
		func(matcher *xdsmatcherv3.Matcher, r envoyrbac.Request, allowed bool) {
			decision, err := envoyrbac.MatcherAllowed(matcher, r)
			Expect(err).NotTo(HaveOccurred())
			Expect(decision).To(Equal(allowed))
		},
		Entry("own destination from the office", shard, request("192.0.2.9", "mine"), true),
		Entry("own destination from outside", shard, request("203.0.113.1", "mine"), false),
		Entry("own destination first of two headers, from outside", shard, request("203.0.113.1", "mine", "theirs"), false),
		Entry("own destination first of two headers, from the office", shard, request("192.0.2.9", "mine", "theirs"), true),
		Entry("own destination second of two headers: another shoot's request", shard, request("203.0.113.1", "theirs", "mine"), true),
		Entry("a longer value that starts like the own one", shard, request("203.0.113.1", "mine2"), true),
		Entry("another destination from outside", shard, request("203.0.113.1", "theirs"), true),
		Entry("no destination header", shard, request("203.0.113.1"), true),
		Entry("the source input is the remote address, not the physical peer", shard,
			envoyrbac.Request{RemoteIP: netip.MustParseAddr("203.0.113.1"), DirectRemoteIP: netip.MustParseAddr("192.0.2.9"), Headers: map[string][]string{"x-dest": {"mine"}}}, false),
		Entry("the direct source input is the physical peer",
			httpMatcher(`{"on_no_match":`+fromRange(directIP, "10.0.0.0", 8)+`}`), request("203.0.113.1"), true),
		Entry("an address outside every range of the direct source",
			httpMatcher(`{"on_no_match":`+fromRange(directIP, "192.0.2.0", 24)+`}`), request("192.0.2.1"), false),
		Entry("the server name selects by exact value",
			httpMatcher(`{"matcher_tree":{"input":`+serverName+`,"exact_match_map":{"map":{"gu-mine.example.com":`+denyAction+`}}},"on_no_match":`+allowAction+`}`),
			envoyrbac.Request{ServerName: "gu-mine.example.com"}, false),
		Entry("a server name that differs in case is another key",
			httpMatcher(`{"matcher_tree":{"input":`+serverName+`,"exact_match_map":{"map":{"gu-mine.example.com":`+denyAction+`}}},"on_no_match":`+allowAction+`}`),
			envoyrbac.Request{ServerName: "GU-mine.example.com"}, true),
		Entry("ignore_case folds ASCII letters",
			httpMatcher(`{"matcher_list":{"matchers":[{"predicate":{"single_predicate":{"input":`+serverName+`,"value_match":{"exact":"gu-mine.example.com","ignore_case":true}}},"on_match":`+denyAction+`}]},"on_no_match":`+allowAction+`}`),
			envoyrbac.Request{ServerName: "GU-Mine.example.COM"}, false),
		Entry("ignore_case folds no other letters (the Kelvin sign is not k)",
			httpMatcher(`{"matcher_list":{"matchers":[{"predicate":{"single_predicate":{"input":`+serverName+`,"value_match":{"exact":"k.example.com","ignore_case":true}}},"on_match":`+denyAction+`}]},"on_no_match":`+allowAction+`}`),
			envoyrbac.Request{ServerName: "\u212a.example.com"}, true),
		Entry("a prefix ignoring case",
			httpMatcher(`{"matcher_list":{"matchers":[{"predicate":{"single_predicate":{"input":`+serverName+`,"value_match":{"prefix":"gu-","ignore_case":true}}},"on_match":`+denyAction+`}]},"on_no_match":`+allowAction+`}`),
			envoyrbac.Request{ServerName: "GU-mine.example.com"}, false),
		Entry("a regular expression matches the whole value",
			httpMatcher(`{"matcher_list":{"matchers":[{"predicate":{"single_predicate":{"input":`+serverName+`,"value_match":{"safe_regex":{"google_re2":{},"regex":"[A-Z]"}}}},"on_match":`+denyAction+`}]},"on_no_match":`+allowAction+`}`),
			envoyrbac.Request{ServerName: "GU-mine.example.com"}, true),
		Entry("a regular expression that spans the value",
			httpMatcher(`{"matcher_list":{"matchers":[{"predicate":{"single_predicate":{"input":`+serverName+`,"value_match":{"safe_regex":{"google_re2":{},"regex":".*[A-Z].*"}}}},"on_match":`+denyAction+`}]},"on_no_match":`+allowAction+`}`),
			envoyrbac.Request{ServerName: "gu-Mine.example.com"}, false),
		Entry("the longest matching prefix wins",
			httpMatcher(`{"matcher_tree":{"input":`+destination+`,"prefix_match_map":{"map":{"m":`+denyAction+`,"mine":`+allowAction+`}}},"on_no_match":`+denyAction+`}`),
			request("203.0.113.1", "mine"), true),
		Entry("a request that reaches no action is denied",
			httpMatcher(`{"matcher_tree":{"input":`+destination+`,"exact_match_map":{"map":{"mine":`+allowAction+`}}}}`),
			request("203.0.113.1", "theirs"), false),
		Entry("a value matcher on a header",
			httpMatcher(`{"matcher_list":{"matchers":[{"predicate":{"single_predicate":{"input":`+destination+`,"value_match":{"prefix":"mi"}}},"on_match":`+denyAction+`}]},"on_no_match":`+allowAction+`}`),
			request("203.0.113.1", "mine"), false),
		Entry("not, or and and predicates",
			httpMatcher(`{"matcher_list":{"matchers":[{"predicate":{"not_matcher":{"or_matcher":{"predicate":[
				{"single_predicate":{"input":`+destination+`,"value_match":{"exact":"a"}}},
				{"and_matcher":{"predicate":[{"single_predicate":{"input":`+destination+`,"value_match":{"prefix":"b"}}},{"single_predicate":{"input":`+serverName+`,"value_match":{"exact":"s"}}}]}}]}}},
				"on_match":`+denyAction+`}]},"on_no_match":`+allowAction+`}`),
			envoyrbac.Request{ServerName: "s", Headers: map[string][]string{"x-dest": {"bee"}}}, true),
	)

	It("refuses what it does not model instead of guessing", func() {
		keepMatching := httpMatcher(`{"matcher_tree":{"input":` + destination + `,"exact_match_map":{"map":{"mine":{"keep_matching":true,"action":{"name":"a","typed_config":{"@type":"type.googleapis.com/envoy.config.rbac.v3.Action","name":"a","action":"ALLOW"}}}}}}}`)
		_, err := envoyrbac.MatcherAllowed(keepMatching, request("192.0.2.1", "mine"))
		Expect(err).To(MatchError(ContainSubstring("keep_matching")))

		nestedWithoutDefault := httpMatcher(`{"matcher_tree":{"input":` + destination + `,"exact_match_map":{"map":{"mine":{"matcher":{"matcher_tree":{"input":` + serverName + `,"exact_match_map":{"map":{"s":` + allowAction + `}}}}}}}}}`)
		_, err = envoyrbac.MatcherAllowed(nestedWithoutDefault, request("192.0.2.1", "mine"))
		Expect(err).To(MatchError(ContainSubstring("without on_no_match")))

		logAction := httpMatcher(`{"on_no_match":{"action":{"name":"l","typed_config":{"@type":"type.googleapis.com/envoy.config.rbac.v3.Action","name":"l","action":"LOG"}}}}`)
		allowed, err := envoyrbac.MatcherAllowed(logAction, request("192.0.2.1"))
		Expect(err).NotTo(HaveOccurred())
		Expect(allowed).To(BeTrue(), "LOG admits and logs")
	})
})
