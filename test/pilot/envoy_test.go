// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	routerv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	tlsinspectorv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/tls_inspector/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	tcpproxyv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/gardener-community/gardener-extension-acl/test/pilot"
)

func mustAny(m proto.Message) *anypb.Any {
	a, err := anypb.New(m)
	Expect(err).NotTo(HaveOccurred())
	return a
}

func tlsInspector() *listenerv3.ListenerFilter {
	return &listenerv3.ListenerFilter{
		Name:       "envoy.filters.listener.tls_inspector",
		ConfigType: &listenerv3.ListenerFilter_TypedConfig{TypedConfig: mustAny(&tlsinspectorv3.TlsInspector{})},
	}
}

func tcpChain(name string, match *listenerv3.FilterChainMatch) *listenerv3.FilterChain {
	return &listenerv3.FilterChain{Name: name, FilterChainMatch: match, Filters: []*listenerv3.Filter{{
		Name:       "envoy.filters.network.tcp_proxy",
		ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: mustAny(&tcpproxyv3.TcpProxy{StatPrefix: name, ClusterSpecifier: &tcpproxyv3.TcpProxy_Cluster{Cluster: name}})},
	}}}
}

func sni(names ...string) *listenerv3.FilterChainMatch {
	return &listenerv3.FilterChainMatch{ServerNames: names}
}

func listener(filters []*listenerv3.ListenerFilter, chains ...*listenerv3.FilterChain) *listenerv3.Listener {
	return &listenerv3.Listener{
		Name: "0.0.0.0_9443",
		Address: &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
			Address: "0.0.0.0", PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: 9443},
		}}},
		ListenerFilters: filters,
		FilterChains:    chains,
	}
}

func selected(l *listenerv3.Listener, conn pilot.Connection) string {
	c, err := pilot.SelectFilterChain(l, conn)
	Expect(err).NotTo(HaveOccurred())
	return c.GetName()
}

var _ = Describe("SelectFilterChain", func() {
	inspected := []*listenerv3.ListenerFilter{tlsInspector()}

	It("prefers the exact server name, then the longest wildcard, then chains without server names", func() {
		l := listener(inspected,
			tcpChain("exact", sni("a.b.example.com")),
			tcpChain("long", sni("*.b.example.com")),
			tcpChain("short", sni("*.example.com")),
			tcpChain("any", nil),
		)
		Expect(selected(l, pilot.TLSConnection(9443, "a.b.example.com"))).To(Equal("exact"))
		Expect(selected(l, pilot.TLSConnection(9443, "A.B.Example.Com"))).To(Equal("exact"))
		Expect(selected(l, pilot.TLSConnection(9443, "x.b.example.com"))).To(Equal("long"))
		Expect(selected(l, pilot.TLSConnection(9443, "x.y.b.example.com"))).To(Equal("long"))
		Expect(selected(l, pilot.TLSConnection(9443, "b.example.com"))).To(Equal("short"))
		Expect(selected(l, pilot.TLSConnection(9443, "example.com"))).To(Equal("any"))
		Expect(selected(l, pilot.TLSConnection(9443, ""))).To(Equal("any"))
		Expect(selected(l, pilot.Connection{Port: 9443})).To(Equal("any"))
	})

	It("does not detect SNI without the TLS inspector", func() {
		l := listener(nil, tcpChain("exact", sni("a.example.com")), tcpChain("any", nil))
		Expect(selected(l, pilot.TLSConnection(9443, "a.example.com"))).To(Equal("any"))
	})

	It("does not backtrack to a less specific server name when the transport protocol does not match", func() {
		l := listener(inspected,
			tcpChain("exact-plaintext", &listenerv3.FilterChainMatch{ServerNames: []string{"a.example.com"}, TransportProtocol: "raw_buffer"}),
			tcpChain("any-tls", &listenerv3.FilterChainMatch{TransportProtocol: "tls"}),
		)
		_, err := pilot.SelectFilterChain(l, pilot.TLSConnection(9443, "a.example.com"))
		Expect(err).To(MatchError(ContainSubstring("Envoy closes the connection")))

		l.DefaultFilterChain = tcpChain("default", nil)
		Expect(selected(l, pilot.TLSConnection(9443, "a.example.com"))).To(Equal("default"))
		Expect(selected(l, pilot.TLSConnection(9443, "b.example.com"))).To(Equal("any-tls"))
	})

	It("takes the first of the client's application protocols that a chain names", func() {
		l := listener(inspected,
			tcpChain("h2", &listenerv3.FilterChainMatch{ApplicationProtocols: []string{"h2"}}),
			tcpChain("http1", &listenerv3.FilterChainMatch{ApplicationProtocols: []string{"http/1.1"}}),
			tcpChain("any", nil),
		)
		Expect(selected(l, pilot.Connection{Port: 9443, TLS: true, ALPN: []string{"http/1.1", "h2"}})).To(Equal("http1"))
		Expect(selected(l, pilot.Connection{Port: 9443, TLS: true, ALPN: []string{"h2", "http/1.1"}})).To(Equal("h2"))
		Expect(selected(l, pilot.Connection{Port: 9443, TLS: true, ALPN: []string{"acme-tls/1"}})).To(Equal("any"))
	})

	It("uses chains naming the destination port before those naming none, and never falls back from them", func() {
		l := listener(inspected,
			tcpChain("port", &listenerv3.FilterChainMatch{DestinationPort: wrapperspb.UInt32(9443), ServerNames: []string{"a.example.com"}}),
			tcpChain("any", nil),
		)
		Expect(selected(l, pilot.TLSConnection(9443, "a.example.com"))).To(Equal("port"))
		_, err := pilot.SelectFilterChain(l, pilot.TLSConnection(9443, "b.example.com"))
		Expect(err).To(HaveOccurred())
	})

	It("fails on what it does not model and on listeners Envoy rejects", func() {
		for _, l := range []*listenerv3.Listener{
			listener(inspected, tcpChain("src", &listenerv3.FilterChainMatch{SourcePrefixRanges: []*corev3.CidrRange{{AddressPrefix: "10.0.0.0"}}})),
			listener(inspected, tcpChain("dst", &listenerv3.FilterChainMatch{PrefixRanges: []*corev3.CidrRange{{AddressPrefix: "10.0.0.0"}}})),
			listener([]*listenerv3.ListenerFilter{{Name: "envoy.filters.listener.original_dst"}}, tcpChain("any", nil)),
			listener(inspected, tcpChain("one", sni("a.example.com")), tcpChain("two", sni("b.example.com", "A.example.com"))),
		} {
			_, err := pilot.SelectFilterChain(l, pilot.TLSConnection(9443, "a.example.com"))
			Expect(err).To(HaveOccurred())
		}
	})
})

func routeConfig(vhosts ...*routev3.VirtualHost) *routev3.RouteConfiguration {
	return &routev3.RouteConfiguration{Name: "rc", VirtualHosts: vhosts}
}

func clusterRoute(name string, match *routev3.RouteMatch) *routev3.Route {
	return &routev3.Route{Name: name, Match: match, Action: &routev3.Route_Route{Route: &routev3.RouteAction{
		ClusterSpecifier: &routev3.RouteAction_Cluster{Cluster: name},
	}}}
}

func hcmChain(rc *routev3.RouteConfiguration, configure func(*hcmv3.HttpConnectionManager)) *listenerv3.FilterChain {
	hcm := &hcmv3.HttpConnectionManager{
		StatPrefix:     "test",
		RouteSpecifier: &hcmv3.HttpConnectionManager_RouteConfig{RouteConfig: rc},
		HttpFilters:    []*hcmv3.HttpFilter{{Name: "envoy.filters.http.router", ConfigType: &hcmv3.HttpFilter_TypedConfig{TypedConfig: mustAny(&routerv3.Router{})}}},
	}
	if configure != nil {
		configure(hcm)
	}
	return &listenerv3.FilterChain{Name: "http", Filters: []*listenerv3.Filter{{
		Name: "envoy.filters.network.http_connection_manager", ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: mustAny(hcm)},
	}}}
}

var _ = Describe("SelectRoute", func() {
	config := &pilot.Config{}

	routed := func(chain *listenerv3.FilterChain, req pilot.Request) *pilot.Route {
		route, err := config.SelectRoute(chain, req)
		Expect(err).NotTo(HaveOccurred())
		return route
	}

	It("selects the virtual host by exact domain, longest suffix wildcard, longest prefix wildcard, then *", func() {
		vh := func(name string, domains ...string) *routev3.VirtualHost {
			return &routev3.VirtualHost{Name: name, Domains: domains, Routes: []*routev3.Route{clusterRoute(name, &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: "/"}})}}
		}
		chain := hcmChain(routeConfig(vh("star", "*"), vh("prefix", "api.*"), vh("longprefix", "api.example.*"), vh("suffix", "*.com"),
			vh("longsuffix", "*.example.com"), vh("exact", "api.example.com")), nil)
		host := func(authority string) string {
			return routed(chain, pilot.Request{Method: "GET", Authority: authority, Path: "/"}).VirtualHost.GetName()
		}
		Expect(host("api.example.com")).To(Equal("exact"))
		Expect(host("API.EXAMPLE.COM")).To(Equal("exact"))
		Expect(host("www.example.com")).To(Equal("longsuffix"))
		Expect(host("example.com")).To(Equal("suffix"))
		Expect(host("api.example.org")).To(Equal("longprefix"))
		Expect(host("api.other.org")).To(Equal("prefix"))
		Expect(host("other.org")).To(Equal("star"))
		Expect(host("api.example.com:443")).To(Equal("longprefix"))
	})

	It("routes by the first matching route, CONNECT only by connect_matcher, and by the first value of cluster_header", func() {
		header := &routev3.HeaderMatcher{Name: "x-dest", HeaderMatchSpecifier: &routev3.HeaderMatcher_StringMatch{StringMatch: &matcherv3.StringMatcher{
			MatchPattern: &matcherv3.StringMatcher_SafeRegex{SafeRegex: &matcherv3.RegexMatcher{Regex: `a|a,b`}},
		}}}
		byHeader := &routev3.Route{Name: "by-header", Match: &routev3.RouteMatch{
			PathSpecifier: &routev3.RouteMatch_ConnectMatcher_{ConnectMatcher: &routev3.RouteMatch_ConnectMatcher{}},
			Headers:       []*routev3.HeaderMatcher{header},
		}, Action: &routev3.Route_Route{Route: &routev3.RouteAction{ClusterSpecifier: &routev3.RouteAction_ClusterHeader{ClusterHeader: "X-Dest"}}}}
		chain := hcmChain(routeConfig(&routev3.VirtualHost{Name: "all", Domains: []string{"*"}, Routes: []*routev3.Route{
			byHeader,
			clusterRoute("prefix", &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: "/"}}),
		}}), func(hcm *hcmv3.HttpConnectionManager) {
			hcm.UpgradeConfigs = []*hcmv3.HttpConnectionManager_UpgradeConfig{{UpgradeType: "CONNECT"}}
		})
		withClusters := &pilot.Config{Clusters: nil}

		// Both values are matched joined with ",", the first names the cluster; the cluster does not exist: 404.
		route, err := withClusters.SelectRoute(chain, pilot.Request{Method: "CONNECT", Authority: "x:443", Headers: map[string][]string{"X-DEST": {"a", "b"}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(route.Route.GetName()).To(Equal("by-header"))
		Expect(route.Action).To(Equal(pilot.RouteNotFound))
		Expect(route.Cluster).To(Equal("a"))

		// A CONNECT request has no path, so the prefix route does not match it.
		Expect(routed(chain, pilot.Request{Method: "CONNECT", Authority: "x:443", Headers: map[string][]string{"x-dest": {"c"}}}).Route).To(BeNil())
		// A GET request does not match connect_matcher.
		Expect(routed(chain, pilot.Request{Method: "GET", Authority: "x", Path: "/", Headers: map[string][]string{"x-dest": {"a"}}}).Route.GetName()).To(Equal("prefix"))
	})

	It("fails on what it does not model", func() {
		chain := hcmChain(routeConfig(&routev3.VirtualHost{Name: "all", Domains: []string{"*"}, Routes: []*routev3.Route{
			clusterRoute("query", &routev3.RouteMatch{
				PathSpecifier:   &routev3.RouteMatch_Prefix{Prefix: "/"},
				QueryParameters: []*routev3.QueryParameterMatcher{{Name: "q"}},
			}),
		}}), nil)
		_, err := config.SelectRoute(chain, pilot.Request{Method: "GET", Authority: "x", Path: "/"})
		Expect(err).To(MatchError(ContainSubstring("not modelled")))
	})
})
