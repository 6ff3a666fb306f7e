// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot

import (
	"fmt"
	"slices"
	"strings"

	udpatypev1 "github.com/cncf/xds/go/udpa/type/v1"
	xdsmatcherv3 "github.com/cncf/xds/go/xds/type/matcher/v3"
	xdstypev3 "github.com/cncf/xds/go/xds/type/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	rbacnetworkv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
)

const typeURLPrefix = "type.googleapis.com/"

// Type URLs of the filters Decide understands. Envoy selects a filter's implementation by the type URL of its
// typed_config, not by its name, and so does Decide.
var (
	networkRBACType = typeURLPrefix + "envoy.extensions.filters.network.rbac.v3.RBAC"
	httpRBACType    = typeURLPrefix + "envoy.extensions.filters.http.rbac.v3.RBAC"
	hcmType         = typeURLPrefix + "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
	tcpProxyType    = typeURLPrefix + "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy"
	routerType      = typeURLPrefix + "envoy.extensions.filters.http.router.v3.Router"
	faultType       = typeURLPrefix + "envoy.extensions.filters.http.fault.v3.HTTPFault"
	corsType        = typeURLPrefix + "envoy.extensions.filters.http.cors.v3.Cors"

	// passiveNetworkTypes are network filters that observe a connection but never close it or change its addresses:
	// istio's telemetry.
	passiveNetworkTypes = []string{
		typeURLPrefix + "stats.PluginConfig",
	}
	// passiveHTTPTypes are HTTP filters that observe a request but never answer it or change what RBAC reads
	// (addresses, SNI, the headers the extension matches): istio's peer metadata, ALPN override, gRPC and istio
	// telemetry.
	passiveHTTPTypes = []string{
		typeURLPrefix + "io.istio.http.peer_metadata.Config",
		typeURLPrefix + "istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig",
		typeURLPrefix + "envoy.extensions.filters.http.grpc_stats.v3.FilterConfig",
		typeURLPrefix + "stats.PluginConfig",
	}
	// gatekeeperHTTPTypes are HTTP filters that may answer a request on their own and change it, so Decide cannot tell
	// what an RBAC filter after them reads, but that never admit what a filter before them refused: a refusal ends the
	// request (or, from a network filter, the connection) before they run. Gardener puts them on the TLS-terminating
	// chains of port 9443: the istio-basic-auth-server's ext_authz on the observability hosts and Lua filters
	// (misdirected requests, the kube-apiserver's client certificate headers, strip-trailing-dot).
	gatekeeperHTTPTypes = []string{
		typeURLPrefix + "envoy.extensions.filters.http.ext_authz.v3.ExtAuthz",
		typeURLPrefix + "envoy.extensions.filters.http.lua.v3.Lua",
	}
)

// RBACFilter is an RBAC filter of a filter chain.
type RBACFilter struct {
	// Name is the filter's name in the chain.
	Name string
	// HTTP is true for an HTTP RBAC filter (envoy.filters.http.rbac), false for a network one
	// (envoy.filters.network.rbac).
	HTTP bool
	// StatPrefix is the network filter's stat_prefix or the HTTP filter's rules_stat_prefix.
	StatPrefix string
	// Rules are the enforced rules; nil when the filter enforces a Matcher.
	Rules *rbacconfigv3.RBAC
	// Matcher is the enforced match tree of an RBAC filter configured with the generic matching API (its `matcher` in
	// place of `rules`, as the slot filters of envoyfilter.RenderShared are); nil when the filter enforces Rules.
	Matcher *xdsmatcherv3.Matcher
	// ShadowRules and ShadowMatcher are what the filter evaluates and counts without enforcing it (an audited
	// shoot's rules); at most one is set.
	ShadowRules   *rbacconfigv3.RBAC
	ShadowMatcher *xdsmatcherv3.Matcher
	// Allowed is the filter's verdict, set in the filters of a Decision; a filter with neither Rules nor Matcher
	// enforces nothing and allows.
	Allowed bool
	// Shadow is the verdict of the filter's shadow rules or match tree, set in the filters of a Decision when it has
	// either: what Envoy counts as shadow_allowed or shadow_denied.
	Shadow *bool
}

// audits reports whether the filter evaluates anything in shadow.
func (f RBACFilter) audits() bool {
	return f.ShadowRules != nil || f.ShadowMatcher != nil
}

// Decision is the verdict of the RBAC filters of a filter chain on a connection or request.
type Decision struct {
	// Allowed is true when every RBAC filter admits the connection or request.
	Allowed bool
	// ShadowAllowed is false when the shadow rules or match tree of a filter that ran deny the connection or request:
	// what an audited shoot's rules would decide if they were enforced. Audited tells whether any filter that ran
	// evaluated anything in shadow.
	ShadowAllowed, Audited bool
	// Ran are the RBAC filters that ran, in order, with their verdicts. As in Envoy, none runs after one that denies.
	Ran []RBACFilter
	// Gatekeepers are the HTTP filters after the RBAC filters that may still answer a request the RBAC filters
	// admitted (istio's ext_authz, Lua). Decide does not judge them: Allowed is the verdict of the RBAC filters.
	Gatekeepers []string
}

// RBACFilters returns the RBAC filters of a chain in the order Envoy runs them: the network RBAC filters before the
// terminal network filter, then, when that is an HTTP connection manager, its HTTP RBAC filters before the router.
// Filters from ECDS (config_discovery) are read from Config.ExtensionConfigs. It fails for every filter and shape it
// does not model (see Decide), so a chain it accepts holds no RBAC filter it does not report.
func (c *Config) RBACFilters(chain *listenerv3.FilterChain) ([]RBACFilter, error) {
	filters, _, err := c.rbacFilters(chain)
	return filters, err
}

// rbacFilters returns the RBAC filters of a chain and the gatekeeper HTTP filters after them (see
// gatekeeperHTTPTypes).
func (c *Config) rbacFilters(chain *listenerv3.FilterChain) ([]RBACFilter, []string, error) {
	var out []RBACFilter
	for _, f := range chain.GetFilters() {
		config, err := c.typedConfig(f.GetName(), f.GetTypedConfig(), f.GetConfigDiscovery())
		if err != nil {
			return nil, nil, fmt.Errorf("failed to read network filter %s of chain %q: %w", f.GetName(), chain.GetName(), err)
		}
		switch config.GetTypeUrl() {
		case networkRBACType:
			rbac, err := networkRBAC(f.GetName(), config)
			if err != nil {
				return nil, nil, fmt.Errorf("failed to read chain %q: %w", chain.GetName(), err)
			}
			out = append(out, rbac)
		case tcpProxyType:
			return out, nil, nil
		case hcmType:
			hcm := &hcmv3.HttpConnectionManager{}
			if err := config.UnmarshalTo(hcm); err != nil {
				return nil, nil, fmt.Errorf("failed to unpack the HTTP connection manager %s of chain %q: %w", f.GetName(), chain.GetName(), err)
			}
			httpFilters, gatekeepers, err := c.httpRBACFilters(chain, hcm)
			if err != nil {
				return nil, nil, err
			}
			return append(out, httpFilters...), gatekeepers, nil
		default:
			if !slices.Contains(passiveNetworkTypes, config.GetTypeUrl()) {
				return nil, nil, fmt.Errorf("failed to read chain %q: network filter %s (%s) is not modelled", chain.GetName(), f.GetName(), config.GetTypeUrl())
			}
		}
	}
	return nil, nil, fmt.Errorf("failed to read chain %q: it has no terminal filter (TCP proxy or HTTP connection manager)", chain.GetName())
}

func (c *Config) httpRBACFilters(chain *listenerv3.FilterChain, hcm *hcmv3.HttpConnectionManager) ([]RBACFilter, []string, error) {
	rc, err := c.routeConfiguration(chain, hcm)
	if err != nil {
		return nil, nil, err
	}
	perRoute := perFilterConfigNames(rc)
	var (
		out         []RBACFilter
		gatekeepers []string
	)
	for _, f := range hcm.GetHttpFilters() {
		if f.GetDisabled() {
			// "the filter is disabled by default and must be explicitly enabled by setting per filter configuration in
			// the route configuration": with per-route configuration that is checked below, without it never.
			if perRoute[f.GetName()] {
				return nil, nil, fmt.Errorf("failed to read chain %q: HTTP filter %s has per-route configuration, which is not modelled", chain.GetName(), f.GetName())
			}
			continue
		}
		config, err := c.typedConfig(f.GetName(), f.GetTypedConfig(), f.GetConfigDiscovery())
		if err != nil {
			return nil, nil, fmt.Errorf("failed to read HTTP filter %s of chain %q: %w", f.GetName(), chain.GetName(), err)
		}
		if slices.Contains(gatekeeperHTTPTypes, config.GetTypeUrl()) {
			// Its per-route configuration only changes what the gatekeeper itself does, which Decide does not judge.
			gatekeepers = append(gatekeepers, f.GetName())
			continue
		}
		if perRoute[f.GetName()] {
			return nil, nil, fmt.Errorf("failed to read chain %q: HTTP filter %s has per-route configuration, which is not modelled", chain.GetName(), f.GetName())
		}
		switch config.GetTypeUrl() {
		case httpRBACType:
			if len(gatekeepers) > 0 {
				return nil, nil, fmt.Errorf("failed to read chain %q: HTTP RBAC filter %s runs after %v, which may change what it reads; that is not modelled", chain.GetName(), f.GetName(), gatekeepers)
			}
			rbac, err := httpRBAC(f.GetName(), config)
			if err != nil {
				return nil, nil, fmt.Errorf("failed to read chain %q: %w", chain.GetName(), err)
			}
			out = append(out, rbac)
		case routerType:
			return out, gatekeepers, nil
		case faultType:
			// The fault filter acts only by per-route configuration (istio's VirtualService fault), which is checked above.
		case corsType:
			// The CORS filter acts only by a CORS policy of the virtual host or route.
			if hasCORSPolicy(rc) {
				return nil, nil, fmt.Errorf("failed to read chain %q: CORS policies are not modelled", chain.GetName())
			}
		default:
			if !slices.Contains(passiveHTTPTypes, config.GetTypeUrl()) {
				return nil, nil, fmt.Errorf("failed to read chain %q: HTTP filter %s (%s) is not modelled", chain.GetName(), f.GetName(), config.GetTypeUrl())
			}
		}
	}
	return nil, nil, fmt.Errorf("failed to read chain %q: its HTTP connection manager has no router", chain.GetName())
}

// perFilterConfigNames returns the names of the filters a route configuration configures per virtual host or route.
func perFilterConfigNames(rc *routev3.RouteConfiguration) map[string]bool {
	names := map[string]bool{}
	add := func(m map[string]*anypb.Any) {
		for name := range m {
			names[name] = true
		}
	}
	add(rc.GetTypedPerFilterConfig())
	for _, vh := range rc.GetVirtualHosts() {
		add(vh.GetTypedPerFilterConfig())
		for _, r := range vh.GetRoutes() {
			add(r.GetTypedPerFilterConfig())
			for _, wc := range r.GetRoute().GetWeightedClusters().GetClusters() {
				add(wc.GetTypedPerFilterConfig())
			}
		}
	}
	return names
}

// hasCORSPolicy reports whether a virtual host or route of a route configuration has a CORS policy in the deprecated
// cors fields (per-filter configuration is reported separately).
func hasCORSPolicy(rc *routev3.RouteConfiguration) bool {
	for _, vh := range rc.GetVirtualHosts() {
		if vh.GetCors() != nil { //nolint:staticcheck // the deprecated field still configures the filter
			return true
		}
		for _, r := range vh.GetRoutes() {
			if r.GetRoute().GetCors() != nil { //nolint:staticcheck // see above
				return true
			}
		}
	}
	return false
}

// typedConfig returns a filter's configuration, from ECDS when it has config_discovery. A TypedStruct (udpa or xds) is
// returned as an Any of the type it names with no value: Envoy selects the filter by that type; its value is not
// decoded, so the filters of Decide's passive lists may come as TypedStructs, RBAC filters may not.
func (c *Config) typedConfig(name string, typed *anypb.Any, discovery *corev3.ExtensionConfigSource) (*anypb.Any, error) {
	if discovery == nil {
		if typed == nil {
			return nil, fmt.Errorf("the filter has no typed_config, which is not modelled")
		}
		return unwrapTypedStruct(typed)
	}
	for _, ec := range c.ExtensionConfigs {
		if ec.GetName() != name {
			continue
		}
		config := ec.GetTypedConfig()
		if len(discovery.GetTypeUrls()) > 0 && !slices.Contains(discovery.GetTypeUrls(), config.GetTypeUrl()) {
			return nil, fmt.Errorf("ECDS resource %s has type %s, which config_discovery does not accept (%v)", name, config.GetTypeUrl(), discovery.GetTypeUrls())
		}
		return unwrapTypedStruct(config)
	}
	return nil, fmt.Errorf("pilot generated no ECDS resource %s, which is not modelled (Envoy waits for it or uses a default config)", name)
}

// unwrapTypedStruct returns an Any of the type a TypedStruct names, with no value; other configs are returned as they
// are.
func unwrapTypedStruct(config *anypb.Any) (*anypb.Any, error) {
	var typeURL string
	switch config.GetTypeUrl() {
	case typeURLPrefix + "udpa.type.v1.TypedStruct":
		ts := &udpatypev1.TypedStruct{}
		if err := config.UnmarshalTo(ts); err != nil {
			return nil, fmt.Errorf("failed to unpack a TypedStruct: %w", err)
		}
		typeURL = ts.GetTypeUrl()
	case typeURLPrefix + "xds.type.v3.TypedStruct":
		ts := &xdstypev3.TypedStruct{}
		if err := config.UnmarshalTo(ts); err != nil {
			return nil, fmt.Errorf("failed to unpack a TypedStruct: %w", err)
		}
		typeURL = ts.GetTypeUrl()
	default:
		return config, nil
	}
	if typeURL == networkRBACType || typeURL == httpRBACType {
		return nil, fmt.Errorf("an RBAC filter in a TypedStruct is not modelled")
	}
	return &anypb.Any{TypeUrl: typeURL}, nil
}

func networkRBAC(name string, config *anypb.Any) (RBACFilter, error) {
	filter := &rbacnetworkv3.RBAC{}
	if err := config.UnmarshalTo(filter); err != nil {
		return RBACFilter{}, fmt.Errorf("failed to unpack network RBAC filter %s: %w", name, err)
	}
	return rbacFilter(RBACFilter{
		Name: name, StatPrefix: filter.GetStatPrefix(),
		Rules: filter.GetRules(), Matcher: filter.GetMatcher(), ShadowRules: filter.GetShadowRules(), ShadowMatcher: filter.GetShadowMatcher(),
	})
}

func httpRBAC(name string, config *anypb.Any) (RBACFilter, error) {
	filter := &rbachttpv3.RBAC{}
	if err := config.UnmarshalTo(filter); err != nil {
		return RBACFilter{}, fmt.Errorf("failed to unpack HTTP RBAC filter %s: %w", name, err)
	}
	if filter.GetShadowRules() != nil && filter.GetShadowRulesStatPrefix() != filter.GetRulesStatPrefix() {
		// The shoot's filters are counted by one prefix; shadow counts under another would escape the owner's view.
		return RBACFilter{}, fmt.Errorf("HTTP RBAC filter %s counts its shadow rules under %q, not under its rules' %q, which is not modelled", name, filter.GetShadowRulesStatPrefix(), filter.GetRulesStatPrefix())
	}
	return rbacFilter(RBACFilter{
		Name: name, HTTP: true, StatPrefix: filter.GetRulesStatPrefix(),
		Rules: filter.GetRules(), Matcher: filter.GetMatcher(), ShadowRules: filter.GetShadowRules(), ShadowMatcher: filter.GetShadowMatcher(),
	})
}

// rbacFilter accepts the RBAC shapes Decide models: enforced rules or an enforced match tree, each with or without
// shadow rules or a shadow match tree (an audited shoot's, which Envoy evaluates and counts only), and shadow rules or
// a shadow match tree alone (an audited shoot's own filter, which enforces nothing). Envoy refuses rules together
// with a match tree, and shadow rules together with a shadow match tree (the oneofs rules_specifier and
// shadow_rules_specifier), so they are errors here too; a filter with neither enforced nor shadow configuration is
// not a shape the extension emits.
func rbacFilter(f RBACFilter) (RBACFilter, error) {
	kind := "network"
	if f.HTTP {
		kind = "HTTP"
	}
	switch {
	case f.Rules != nil && f.Matcher != nil:
		return RBACFilter{}, fmt.Errorf("%s RBAC filter %s has both rules and a matcher, which Envoy refuses", kind, f.Name)
	case f.ShadowRules != nil && f.ShadowMatcher != nil:
		return RBACFilter{}, fmt.Errorf("%s RBAC filter %s has both shadow rules and a shadow matcher, which Envoy refuses", kind, f.Name)
	case f.Rules == nil && f.Matcher == nil && !f.audits():
		return RBACFilter{}, fmt.Errorf("%s RBAC filter %s has neither rules nor shadow rules, which is not modelled", kind, f.Name)
	}
	return f, nil
}

// Decide runs the RBAC filters of a chain on a connection and, if the chain has an HTTP connection manager, a request
// on it, in the order Envoy runs them, with test/envoyrbac. Network RBAC filters see no headers. Evaluation stops at
// the first filter that denies: Envoy closes the connection or answers 403 there. The caller gives the addresses and
// SNI as Envoy sees them (see envoyrbac.Request; the HTTP connection manager's use_remote_address and
// xff_num_trusted_hops decide RemoteIP for HTTP filters).
//
// Decide only judges RBAC: the other filters before the terminal filter and the router must be ones that never close
// a connection or answer a request on their own and do not change what RBAC reads (istio's telemetry, peer metadata
// and ALPN filters; the fault and CORS filters without per-route configuration or CORS policies), or gatekeepers
// after every RBAC filter (ext_authz, Lua: they may refuse what RBAC admitted, which Decision.Gatekeepers lists, but
// never admit what it refused). Any other filter, a gatekeeper before an HTTP RBAC filter, filters from ECDS that
// pilot did not generate, per-route configuration of another HTTP filter, RBAC filters of a shape rbacFilter does not
// accept, and rules or match trees outside test/envoyrbac's subset (Allowed, MatcherAllowed) are errors. Shadow rules
// and match trees are evaluated too (Decision.ShadowAllowed), in the filters that run.
func (c *Config) Decide(chain *listenerv3.FilterChain, request envoyrbac.Request) (Decision, error) {
	filters, gatekeepers, err := c.rbacFilters(chain)
	if err != nil {
		return Decision{}, err
	}
	decision := Decision{Allowed: true, ShadowAllowed: true, Gatekeepers: gatekeepers}
	for _, f := range filters {
		seen := request
		if !f.HTTP {
			seen.Headers = nil
		}
		// Envoy evaluates the shadow engine first and counts its verdict, then the enforced one; a filter without an
		// enforced engine allows ("no engine, allowed by default").
		if f.audits() {
			shadow, err := envoyrbac.FilterAllowed(f.ShadowRules, f.ShadowMatcher, seen)
			if err != nil {
				return Decision{}, fmt.Errorf("failed to evaluate the shadow rules of RBAC filter %s of chain %q: %w", f.Name, chain.GetName(), err)
			}
			f.Shadow = &shadow
			decision.Audited = true
			decision.ShadowAllowed = decision.ShadowAllowed && shadow
		}
		allowed := true
		if f.Rules != nil || f.Matcher != nil {
			var err error
			if allowed, err = envoyrbac.FilterAllowed(f.Rules, f.Matcher, seen); err != nil {
				return Decision{}, fmt.Errorf("failed to evaluate RBAC filter %s of chain %q: %w", f.Name, chain.GetName(), err)
			}
		}
		f.Allowed = allowed
		decision.Ran = append(decision.Ran, f)
		if !allowed {
			decision.Allowed = false
			break
		}
	}
	return decision, nil
}

// StatPrefixes returns the stat prefixes of filters, e.g. to count the filters of one shoot by their "acl_<id>_"
// prefix.
func StatPrefixes(filters []RBACFilter) []string {
	out := make([]string, 0, len(filters))
	for _, f := range filters {
		out = append(out, f.StatPrefix)
	}
	return out
}

// WithStatPrefix returns the filters whose stat prefix starts with prefix.
func WithStatPrefix(filters []RBACFilter, prefix string) []RBACFilter {
	var out []RBACFilter
	for _, f := range filters {
		if strings.HasPrefix(f.StatPrefix, prefix) {
			out = append(out, f)
		}
	}
	return out
}
