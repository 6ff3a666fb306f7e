// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	"net/netip"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	extauthzv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_authz/v3"
	luav3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/lua/v3"
	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/pilot"
)

func networkFilter(name string, config proto.Message) *listenerv3.Filter {
	return &listenerv3.Filter{Name: name, ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: mustAny(config)}}
}

func ecdsNetworkFilter(name string) *listenerv3.Filter {
	return &listenerv3.Filter{Name: name, ConfigType: &listenerv3.Filter_ConfigDiscovery{ConfigDiscovery: &corev3.ExtensionConfigSource{
		ConfigSource: &corev3.ConfigSource{ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}}},
		TypeUrls:     []string{"type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC"},
	}}}
}

// headerRules admit requests with header x-allowed: yes from anywhere.
func headerRules() *rbacconfigv3.RBAC {
	return &rbacconfigv3.RBAC{Action: rbacconfigv3.RBAC_ALLOW, Policies: map[string]*rbacconfigv3.Policy{"header": {
		Permissions: []*rbacconfigv3.Permission{{Rule: &rbacconfigv3.Permission_Header{Header: &routev3.HeaderMatcher{
			Name: "x-allowed", HeaderMatchSpecifier: &routev3.HeaderMatcher_StringMatch{StringMatch: &matcherv3.StringMatcher{
				MatchPattern: &matcherv3.StringMatcher_Exact{Exact: "yes"},
			}},
		}}}},
		Principals: []*rbacconfigv3.Principal{{Identifier: &rbacconfigv3.Principal_Any{Any: true}}},
	}}}
}

func withHeader(request string) map[string][]string {
	return map[string][]string{"X-Allowed": {request}}
}

var _ = Describe("Decide on hand-made chains", func() {
	tcpProxy := tcpChain("upstream", nil).GetFilters()[0]

	It("runs the filters in order and stops at the first that denies", func() {
		chain := &listenerv3.FilterChain{Filters: []*listenerv3.Filter{
			networkFilter("first", networkRBAC("first_", allowRules(allowedClient+"/32"))),
			networkFilter("second", networkRBAC("second_", allowRules(deniedClient+"/32"))),
			tcpProxy,
		}}
		config := &pilot.Config{}
		decision, err := config.Decide(chain, from(deniedClient))
		Expect(err).NotTo(HaveOccurred())
		Expect(decision.Allowed).To(BeFalse())
		Expect(pilot.StatPrefixes(decision.Ran)).To(Equal([]string{"first_"}))

		decision, err = config.Decide(chain, from(allowedClient))
		Expect(err).NotTo(HaveOccurred())
		Expect(decision.Allowed).To(BeFalse())
		Expect(pilot.StatPrefixes(decision.Ran)).To(Equal([]string{"first_", "second_"}))
	})

	It("shows no headers to network filters and the request's headers to HTTP filters", func() {
		network := &listenerv3.FilterChain{Filters: []*listenerv3.Filter{networkFilter("header", networkRBAC("n_", headerRules())), tcpProxy}}
		request := from(allowedClient)
		request.Headers = withHeader("yes")
		decision, err := (&pilot.Config{}).Decide(network, request)
		Expect(err).NotTo(HaveOccurred())
		Expect(decision.Allowed).To(BeFalse())

		http := hcmChain(routeConfig(), func(hcm *hcmv3.HttpConnectionManager) {
			hcm.HttpFilters = append([]*hcmv3.HttpFilter{{
				Name: "rbac", ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: mustAny(httpRBAC("h_", headerRules()))},
			}}, hcm.HttpFilters...)
		})
		decision, err = (&pilot.Config{}).Decide(http, request)
		Expect(err).NotTo(HaveOccurred())
		Expect(decision.Allowed).To(BeTrue())
		Expect(decision.Ran).To(HaveExactElements(HaveField("HTTP", BeTrue())))
		request.Headers = withHeader("no")
		decision, err = (&pilot.Config{}).Decide(http, request)
		Expect(err).NotTo(HaveOccurred())
		Expect(decision.Allowed).To(BeFalse())
	})

	It("skips disabled HTTP filters and fails on per-route configuration of a filter", func() {
		rbac := &hcmv3.HttpFilter{Name: "rbac", Disabled: true, ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: mustAny(httpRBAC("h_", headerRules()))}}
		http := hcmChain(routeConfig(), func(hcm *hcmv3.HttpConnectionManager) {
			hcm.HttpFilters = append([]*hcmv3.HttpFilter{rbac}, hcm.HttpFilters...)
		})
		filters, err := (&pilot.Config{}).RBACFilters(http)
		Expect(err).NotTo(HaveOccurred())
		Expect(filters).To(BeEmpty())

		perRoute := hcmChain(routeConfig(&routev3.VirtualHost{Name: "all", Domains: []string{"*"}, TypedPerFilterConfig: map[string]*anypb.Any{
			"rbac": mustAny(&routev3.FilterConfig{}),
		}}), func(hcm *hcmv3.HttpConnectionManager) {
			hcm.HttpFilters = append([]*hcmv3.HttpFilter{rbac}, hcm.HttpFilters...)
		})
		_, err = (&pilot.Config{}).RBACFilters(perRoute)
		Expect(err).To(MatchError(ContainSubstring("per-route configuration")))
	})

	It("judges the RBAC filters before gatekeepers (ext_authz, Lua) and lists the gatekeepers, which may still refuse", func() {
		gatekeepers := []*hcmv3.HttpFilter{
			{Name: "authz", ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: mustAny(&extauthzv3.ExtAuthz{})}},
			{Name: "lua", ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: mustAny(&luav3.Lua{})}},
		}
		// As on gardener's TLS-terminating chains: a network RBAC filter first, gatekeepers in the connection manager,
		// with per-route configuration that only changes what the gatekeepers do.
		perRoute := routeConfig(&routev3.VirtualHost{Name: "all", Domains: []string{"*"}, TypedPerFilterConfig: map[string]*anypb.Any{
			"authz": mustAny(&extauthzv3.ExtAuthzPerRoute{}),
		}})
		chain := hcmChain(perRoute, func(hcm *hcmv3.HttpConnectionManager) {
			hcm.HttpFilters = append(append([]*hcmv3.HttpFilter{}, gatekeepers...), hcm.HttpFilters...)
		})
		chain.Filters = append([]*listenerv3.Filter{networkFilter("acl", networkRBAC("acl_", allowRules(allowedClient+"/32")))}, chain.Filters...)
		decision, err := (&pilot.Config{}).Decide(chain, from(deniedClient))
		Expect(err).NotTo(HaveOccurred())
		Expect(decision.Allowed).To(BeFalse())
		Expect(decision.Gatekeepers).To(Equal([]string{"authz", "lua"}))
		decision, err = (&pilot.Config{}).Decide(chain, from(allowedClient))
		Expect(err).NotTo(HaveOccurred())
		Expect(decision.Allowed).To(BeTrue())

		// A gatekeeper before an HTTP RBAC filter may change what it reads.
		before := hcmChain(routeConfig(), func(hcm *hcmv3.HttpConnectionManager) {
			hcm.HttpFilters = append([]*hcmv3.HttpFilter{gatekeepers[1], {
				Name: "rbac", ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: mustAny(httpRBAC("h_", headerRules()))},
			}}, hcm.HttpFilters...)
		})
		_, err = (&pilot.Config{}).Decide(before, from(allowedClient))
		Expect(err).To(MatchError(ContainSubstring("runs after [lua]")))
	})

	It("reads filters from ECDS and fails when pilot generated none", func() {
		chain := &listenerv3.FilterChain{Filters: []*listenerv3.Filter{ecdsNetworkFilter("acl"), tcpProxy}}
		config := &pilot.Config{ExtensionConfigs: []*corev3.TypedExtensionConfig{{
			Name: "acl", TypedConfig: mustAny(networkRBAC("ecds_", allowRules(allowedClient+"/32"))),
		}}}
		decision, err := config.Decide(chain, from(deniedClient))
		Expect(err).NotTo(HaveOccurred())
		Expect(decision.Allowed).To(BeFalse())
		Expect(pilot.StatPrefixes(decision.Ran)).To(Equal([]string{"ecds_"}))

		_, err = (&pilot.Config{}).Decide(chain, from(deniedClient))
		Expect(err).To(MatchError(ContainSubstring("no ECDS resource acl")))
	})

	It("evaluates HTTP RBAC filters from ECDS that enforce a match tree (the shared listeners' slots)", func() {
		// A slot filter as envoyfilter.RenderShared inserts it: no default config, the match tree by ECDS.
		matcher, err := envoyfilter.SharedListenerMatcher("X-Gardener-Destination", 0, []envoyfilter.SharedShoot{{
			TechnicalID: "shoot--foo--bar", PrincipalType: acl.PrincipalTypeRemoteIP, Allowed: []netip.Prefix{netip.MustParsePrefix(allowedClient + "/32")},
		}})
		Expect(err).NotTo(HaveOccurred())
		slot := &hcmv3.HttpFilter{Name: "acl-8443-f0-s0", ConfigType: &hcmv3.HttpFilter_ConfigDiscovery{ConfigDiscovery: &corev3.ExtensionConfigSource{
			ConfigSource: &corev3.ConfigSource{ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}}},
			TypeUrls:     []string{"type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC"},
		}}}
		chain := hcmChain(routeConfig(), func(hcm *hcmv3.HttpConnectionManager) {
			hcm.HttpFilters = append([]*hcmv3.HttpFilter{slot}, hcm.HttpFilters...)
		})
		withConfig := func(filter *rbachttpv3.RBAC) *pilot.Config {
			return &pilot.Config{ExtensionConfigs: []*corev3.TypedExtensionConfig{{Name: "acl-8443-f0-s0", TypedConfig: mustAny(filter)}}}
		}
		config := withConfig(&rbachttpv3.RBAC{Matcher: matcher})
		own := map[string][]string{"X-Gardener-Destination": {"outbound|443||kube-apiserver.shoot--foo--bar.svc.cluster.local", "x"}}
		other := map[string][]string{"X-Gardener-Destination": {"outbound|443||kube-apiserver.shoot--foo--baz.svc.cluster.local"}}
		for _, c := range []struct {
			client  string
			headers map[string][]string
			allowed bool
		}{{allowedClient, own, true}, {deniedClient, own, false}, {deniedClient, other, true}, {deniedClient, nil, true}} {
			request := from(c.client)
			request.Headers = c.headers
			decision, err := config.Decide(chain, request)
			Expect(err).NotTo(HaveOccurred())
			Expect(decision.Allowed).To(Equal(c.allowed), "%s with %v", c.client, c.headers)
			Expect(decision.Ran).To(HaveExactElements(And(HaveField("HTTP", BeTrue()), HaveField("Matcher", Not(BeNil())))))
		}

		// The same tree as a shadow match tree (an audited shoot's): counted, never enforced.
		for _, c := range []struct {
			client  string
			headers map[string][]string
			shadow  bool
		}{{allowedClient, own, true}, {deniedClient, own, false}, {deniedClient, other, true}} {
			request := from(c.client)
			request.Headers = c.headers
			decision, err := withConfig(&rbachttpv3.RBAC{ShadowMatcher: matcher}).Decide(chain, request)
			Expect(err).NotTo(HaveOccurred())
			Expect(decision.Allowed).To(BeTrue(), "%s with %v", c.client, c.headers)
			Expect(decision.Audited).To(BeTrue())
			Expect(decision.ShadowAllowed).To(Equal(c.shadow), "%s with %v", c.client, c.headers)
			Expect(decision.Ran).To(HaveExactElements(HaveField("Shadow", HaveValue(Equal(c.shadow)))))
		}

		// Rules next to a matcher, and shadow rules next to a shadow matcher, are refused by Envoy.
		for _, filter := range []*rbachttpv3.RBAC{
			{Matcher: matcher, Rules: allowRules(allowedClient + "/32")},
			{Matcher: matcher, ShadowMatcher: matcher, ShadowRules: allowRules(allowedClient + "/32")},
			{},
		} {
			_, err := withConfig(filter).Decide(chain, from(allowedClient))
			Expect(err).To(HaveOccurred(), "%v", filter)
		}
	})

	It("evaluates shadow rules without enforcing them, and enforces the rules next to them", func() {
		shadowOnly := &listenerv3.FilterChain{Filters: []*listenerv3.Filter{networkFilter("shadow", networkRBACShadowOnly()), tcpProxy}}
		for client, shadow := range map[string]bool{allowedClient: true, deniedClient: false} {
			decision, err := (&pilot.Config{}).Decide(shadowOnly, from(client))
			Expect(err).NotTo(HaveOccurred())
			Expect(decision).To(MatchFields(IgnoreExtras, Fields{"Allowed": BeTrue(), "Audited": BeTrue(), "ShadowAllowed": Equal(shadow)}), client)
		}

		both := networkRBAC("both_", allowRules(allowedClient+"/32"))
		both.ShadowRules = allowRules(deniedClient + "/32")
		chain := &listenerv3.FilterChain{Filters: []*listenerv3.Filter{networkFilter("both", both), tcpProxy}}
		decision, err := (&pilot.Config{}).Decide(chain, from(allowedClient))
		Expect(err).NotTo(HaveOccurred())
		Expect(decision).To(MatchFields(IgnoreExtras, Fields{"Allowed": BeTrue(), "Audited": BeTrue(), "ShadowAllowed": BeFalse()}))
		decision, err = (&pilot.Config{}).Decide(chain, from(deniedClient))
		Expect(err).NotTo(HaveOccurred())
		Expect(decision).To(MatchFields(IgnoreExtras, Fields{"Allowed": BeFalse(), "Audited": BeTrue(), "ShadowAllowed": BeTrue()}))
	})

	It("fails on filters and RBAC shapes it does not model", func() {
		for _, chain := range []*listenerv3.FilterChain{
			{Filters: []*listenerv3.Filter{networkFilter("unknown", &matcherv3.StringMatcher{}), tcpProxy}},
			{Filters: []*listenerv3.Filter{networkFilter("empty", networkRBAC("empty_", nil)), tcpProxy}},
			{Filters: []*listenerv3.Filter{networkFilter("log", networkRBAC("log_", &rbacconfigv3.RBAC{Action: rbacconfigv3.RBAC_LOG})), tcpProxy}},
			{Filters: []*listenerv3.Filter{networkFilter("rbac", networkRBAC("ok_", allowRules(allowedClient+"/32")))}},
		} {
			_, err := (&pilot.Config{}).Decide(chain, from(allowedClient))
			Expect(err).To(HaveOccurred(), chain.GetFilters()[0].GetName())
		}
	})
})
