// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
)

// bootstrapClusters are the static clusters of istio-proxy's bootstrap (tools/packaging/common/envoy_bootstrap.json
// in istio). They exist in Envoy without CDS, so this package cannot tell whether a request reaches them.
var bootstrapClusters = []string{
	"agent", "datadog_agent", "envoy_accesslog_service", "envoy_metrics_service", "lightstep", "metadata_discovery",
	"prometheus_stats", "sds-files-grpc", "sds-grpc", "xds-grpc", "zipkin",
}

// Request is an HTTP request that the HTTP connection manager of a filter chain routes.
type Request struct {
	// Method is the request method (:method), e.g. CONNECT.
	Method string
	// Authority is the :authority header (HTTP/1's Host; for CONNECT the target host:port).
	Authority string
	// Path is the :path header with any query string; empty for a CONNECT request, which has no path in HTTP/1.1.
	Path string
	// Headers are the other request headers. Names match case-insensitively.
	Headers map[string][]string
}

// RouteAction is what Envoy does with a routed request.
type RouteAction string

const (
	// RouteToCluster forwards the request to Route.Cluster.
	RouteToCluster RouteAction = "cluster"
	// RouteRedirect answers with a redirect.
	RouteRedirect RouteAction = "redirect"
	// RouteDirectResponse answers directly.
	RouteDirectResponse RouteAction = "direct_response"
	// RouteNotFound answers 404: no virtual host or route matches, or a cluster_header route finds no header or no
	// cluster of that name.
	RouteNotFound RouteAction = "not_found"
)

// Route is where the HTTP connection manager of a filter chain sends a request.
type Route struct {
	// RouteConfiguration is the route configuration of the chain, inline or from RDS.
	RouteConfiguration *routev3.RouteConfiguration
	// VirtualHost is the virtual host the request's authority selects, nil when none does.
	VirtualHost *routev3.VirtualHost
	// Route is the first route of the virtual host that matches, nil when none does.
	Route *routev3.Route
	// Action is what Envoy does with the request.
	Action RouteAction
	// Cluster is the upstream cluster of RouteToCluster; with RouteNotFound from a cluster_header route, the header
	// value that names no cluster.
	Cluster string
}

// RouteConfiguration returns the route configuration that the HTTP connection manager of a chain routes with: its
// inline route_config, or the one it names by RDS. Scoped routes are not modelled and an error.
func (c *Config) RouteConfiguration(chain *listenerv3.FilterChain) (*routev3.RouteConfiguration, error) {
	hcm, err := HTTPConnectionManager(chain)
	if err != nil {
		return nil, err
	}
	if hcm == nil {
		return nil, fmt.Errorf("failed to find the routes of chain %q: it has no HTTP connection manager", chain.GetName())
	}
	return c.routeConfiguration(chain, hcm)
}

func (c *Config) routeConfiguration(chain *listenerv3.FilterChain, hcm *hcmv3.HttpConnectionManager) (*routev3.RouteConfiguration, error) {
	switch spec := hcm.GetRouteSpecifier().(type) {
	case *hcmv3.HttpConnectionManager_RouteConfig:
		return spec.RouteConfig, nil
	case *hcmv3.HttpConnectionManager_Rds:
		for _, rc := range c.Routes {
			if rc.GetName() == spec.Rds.GetRouteConfigName() {
				return rc, nil
			}
		}
		return nil, fmt.Errorf("failed to find the routes of chain %q: pilot generated no route configuration %q", chain.GetName(), spec.Rds.GetRouteConfigName())
	default:
		return nil, fmt.Errorf("failed to find the routes of chain %q: route specifier %T is not modelled", chain.GetName(), spec)
	}
}

// Cluster returns the cluster of the given name from CDS, nil when there is none.
func (c *Config) Cluster(name string) *clusterv3.Cluster {
	for _, cluster := range c.Clusters {
		if cluster.GetName() == name {
			return cluster
		}
	}
	return nil
}

// SelectRoute returns where the HTTP connection manager of a chain sends a request, following Envoy's route API
// (envoy/config/route/v3/route.proto and route_components.proto):
//
//   - Before routing, the connection manager removes a trailing dot of the host (strip_trailing_host_dot) and its port
//     (strip_any_host_port), and the route configuration may ignore the port (ignore_port_in_host_matching).
//   - The virtual host: the lowercased authority is matched against the domains, exact names first, then suffix
//     wildcards ("*.foo.com", "*-bar.foo.com") from the longest, then prefix wildcards ("foo.*") from the longest,
//     then "*". A wildcard never matches the empty string.
//   - The route: the first route of the virtual host, in order, whose match holds. Path matchers (prefix on the
//     path, path and safe_regex on the path without query) never match a request without a path, such as an
//     HTTP/1.1 CONNECT; connect_matcher matches exactly the CONNECT requests. All header matchers must hold; a
//     header given several times is matched as its values joined with "," (Envoy's
//     HeaderUtility::getAllOfHeaderAsString), a missing header matches nothing unless present_match says absent,
//     and invert_match inverts a present header's result. Regexes are RE2 and match the full value.
//   - The action: cluster, cluster_header (the header's first value names the cluster; a missing header or a name
//     CDS does not have gets a 404), redirect or direct_response. A CONNECT request needs CONNECT among the
//     upgrade_configs of the connection manager or the route.
//
// Everything else (query parameter, cookie, gRPC, TLS context, metadata, filter state and runtime matchers, range
// matchers, treat_missing_header_as_empty, path normalization that would change the path, weighted clusters,
// cluster specifier plugins, require_tls, matcher trees, VHDS, scoped routes, and clusters of istio-proxy's
// bootstrap) is not modelled and an error.
func (c *Config) SelectRoute(chain *listenerv3.FilterChain, req Request) (*Route, error) {
	hcm, err := HTTPConnectionManager(chain)
	if err != nil {
		return nil, err
	}
	if hcm == nil {
		return nil, fmt.Errorf("failed to route on chain %q: it has no HTTP connection manager", chain.GetName())
	}
	rc, err := c.routeConfiguration(chain, hcm)
	if err != nil {
		return nil, err
	}
	if err := checkPath(hcm, req.Path); err != nil {
		return nil, fmt.Errorf("failed to route on chain %q: %w", chain.GetName(), err)
	}
	if rc.GetVhds() != nil {
		return nil, fmt.Errorf("failed to route on chain %q: VHDS is not modelled", chain.GetName())
	}

	host := req.Authority
	if hcm.GetStripTrailingHostDot() {
		host = stripTrailingDot(host)
	}
	switch mode := hcm.GetStripPortMode().(type) {
	case nil:
	case *hcmv3.HttpConnectionManager_StripAnyHostPort:
		if mode.StripAnyHostPort {
			host = stripPort(host)
		}
	default:
		return nil, fmt.Errorf("failed to route on chain %q: strip port mode %T is not modelled", chain.GetName(), mode)
	}
	if hcm.GetStripMatchingHostPort() {
		return nil, fmt.Errorf("failed to route on chain %q: strip_matching_host_port is not modelled", chain.GetName())
	}
	if rc.GetIgnorePortInHostMatching() {
		host = stripPort(host)
	}
	// The connection manager's view of the request: pseudo-headers included, authority as routed.
	view := req
	view.Authority = host

	out := &Route{RouteConfiguration: rc, Action: RouteNotFound}
	out.VirtualHost = selectVirtualHost(rc.GetVirtualHosts(), strings.ToLower(host))
	if out.VirtualHost == nil {
		return out, nil
	}
	if out.VirtualHost.GetMatcher() != nil || out.VirtualHost.GetRequireTls() != routev3.VirtualHost_NONE {
		return nil, fmt.Errorf("failed to route on chain %q: virtual host %s uses a matcher tree or require_tls, which is not modelled", chain.GetName(), out.VirtualHost.GetName())
	}
	for _, route := range out.VirtualHost.GetRoutes() {
		matched, err := routeMatches(route.GetMatch(), view)
		if err != nil {
			return nil, fmt.Errorf("failed to route on chain %q, virtual host %s, route %q: %w", chain.GetName(), out.VirtualHost.GetName(), route.GetName(), err)
		}
		if matched {
			out.Route = route
			break
		}
	}
	if out.Route == nil {
		return out, nil
	}
	if err := c.routeAction(hcm, out, view); err != nil {
		return nil, fmt.Errorf("failed to route on chain %q, virtual host %s, route %q: %w", chain.GetName(), out.VirtualHost.GetName(), out.Route.GetName(), err)
	}
	return out, nil
}

// routeAction fills in what Envoy does with a request that matched out.Route.
func (c *Config) routeAction(hcm *hcmv3.HttpConnectionManager, out *Route, req Request) error {
	switch action := out.Route.GetAction().(type) {
	case *routev3.Route_Redirect:
		out.Action = RouteRedirect
		return nil
	case *routev3.Route_DirectResponse:
		out.Action = RouteDirectResponse
		return nil
	case *routev3.Route_Route:
		if req.Method == "CONNECT" {
			enabled, err := connectEnabled(hcm, action.Route)
			if err != nil {
				return err
			}
			if !enabled {
				return fmt.Errorf("a CONNECT request on a route that disables CONNECT is not modelled")
			}
		}
		var name string
		switch specifier := action.Route.GetClusterSpecifier().(type) {
		case *routev3.RouteAction_Cluster:
			name = specifier.Cluster
		case *routev3.RouteAction_ClusterHeader:
			// "If the header appears multiple times only the first value is used."
			values, found := header(req, specifier.ClusterHeader)
			if !found || len(values) == 0 {
				out.Action = RouteNotFound
				return nil
			}
			name = values[0]
		default:
			return fmt.Errorf("cluster specifier %T is not modelled", specifier)
		}
		if slices.Contains(bootstrapClusters, name) {
			return fmt.Errorf("the route reaches cluster %q of istio-proxy's bootstrap, which is not modelled", name)
		}
		out.Cluster = name
		if c.Cluster(name) == nil {
			// "If the header is not found or the referenced cluster does not exist, Envoy will return a 404 response."
			out.Action = RouteNotFound
			return nil
		}
		out.Action = RouteToCluster
		return nil
	default:
		return fmt.Errorf("route action %T is not modelled", action)
	}
}

// connectEnabled reports whether CONNECT is enabled for a route, per Envoy's upgrade documentation: the connection
// manager's upgrade config for CONNECT enables it by default (enabled defaults to true) and the route's config, whose
// enabled also defaults to true, overrides it. CONNECT without an upgrade config on the connection manager is not
// modelled and an error.
func connectEnabled(hcm *hcmv3.HttpConnectionManager, action *routev3.RouteAction) (bool, error) {
	hcmFound, enabled := false, false
	for _, u := range hcm.GetUpgradeConfigs() {
		if strings.EqualFold(u.GetUpgradeType(), "CONNECT") {
			hcmFound, enabled = true, u.GetEnabled() == nil || u.GetEnabled().GetValue()
		}
	}
	if !hcmFound {
		return false, fmt.Errorf("a CONNECT request on a connection manager without CONNECT upgrade config is not modelled")
	}
	for _, u := range action.GetUpgradeConfigs() {
		if strings.EqualFold(u.GetUpgradeType(), "CONNECT") {
			enabled = u.GetEnabled() == nil || u.GetEnabled().GetValue()
		}
	}
	return enabled, nil
}

// checkPath fails when the connection manager would change the path before routing (normalize_path, merge_slashes,
// escaped slashes handling), which is not modelled.
func checkPath(hcm *hcmv3.HttpConnectionManager, path string) error {
	if path == "" {
		return nil
	}
	normalizing := hcm.GetNormalizePath().GetValue() || hcm.GetMergeSlashes() ||
		hcm.GetPathWithEscapedSlashesAction() > hcmv3.HttpConnectionManager_KEEP_UNCHANGED
	if !normalizing {
		return nil
	}
	p, _, _ := strings.Cut(path, "?")
	if strings.Contains(p, "//") || strings.Contains(p, "/./") || strings.Contains(p, "/../") || strings.Contains(p, "%") ||
		strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..") || strings.Contains(p, "\\") {
		return fmt.Errorf("path normalization of %q is not modelled", path)
	}
	return nil
}

func stripTrailingDot(host string) string {
	name, port, hasPort := splitPort(host)
	name = strings.TrimSuffix(name, ".")
	if hasPort {
		return name + ":" + port
	}
	return name
}

func stripPort(host string) string {
	name, _, _ := splitPort(host)
	return name
}

// splitPort splits "host:port" and "[v6]:port"; a host without port is returned whole.
func splitPort(host string) (string, string, bool) {
	i := strings.LastIndexByte(host, ':')
	if i < 0 || strings.HasSuffix(host[:i], ":") || (strings.Contains(host, "[") && !strings.Contains(host[:i], "]")) {
		return host, "", false
	}
	if strings.Count(host, ":") > 1 && !strings.HasPrefix(host, "[") {
		return host, "", false // an IPv6 address without brackets has no port
	}
	return host[:i], host[i+1:], true
}

// selectVirtualHost implements Envoy's domain search order on a lowercased host.
func selectVirtualHost(vhosts []*routev3.VirtualHost, host string) *routev3.VirtualHost {
	type candidate struct {
		vhost  *routev3.VirtualHost
		length int
	}
	var suffix, prefix *candidate
	var star *routev3.VirtualHost
	for _, vh := range vhosts {
		for _, domain := range vh.GetDomains() {
			domain = strings.ToLower(domain)
			switch {
			case domain == "*":
				star = vh
			case domain == host:
				return vh
			case strings.HasPrefix(domain, "*"):
				s := domain[1:]
				if len(host) > len(s) && strings.HasSuffix(host, s) && (suffix == nil || len(s) > suffix.length) {
					suffix = &candidate{vh, len(s)}
				}
			case strings.HasSuffix(domain, "*"):
				p := domain[:len(domain)-1]
				if len(host) > len(p) && strings.HasPrefix(host, p) && (prefix == nil || len(p) > prefix.length) {
					prefix = &candidate{vh, len(p)}
				}
			}
		}
	}
	switch {
	case suffix != nil:
		return suffix.vhost
	case prefix != nil:
		return prefix.vhost
	default:
		return star
	}
}

// routeMatches evaluates a RouteMatch on a request.
func routeMatches(m *routev3.RouteMatch, req Request) (bool, error) {
	switch {
	case len(m.GetQueryParameters()) > 0, len(m.GetCookies()) > 0, m.GetGrpc() != nil, m.GetTlsContext() != nil,
		len(m.GetDynamicMetadata()) > 0, len(m.GetFilterState()) > 0, m.GetRuntimeFraction() != nil:
		return false, fmt.Errorf("route match criteria other than path, CONNECT and headers are not modelled")
	}
	caseSensitive := m.GetCaseSensitive() == nil || m.GetCaseSensitive().GetValue()
	fold := func(s string) string {
		if caseSensitive {
			return s
		}
		return strings.ToLower(s)
	}
	pathOnly, _, _ := strings.Cut(req.Path, "?")
	var matched bool
	switch spec := m.GetPathSpecifier().(type) {
	case *routev3.RouteMatch_Prefix:
		matched = req.Path != "" && strings.HasPrefix(fold(req.Path), fold(spec.Prefix))
	case *routev3.RouteMatch_Path:
		matched = req.Path != "" && fold(pathOnly) == fold(spec.Path)
	case *routev3.RouteMatch_SafeRegex:
		re, err := fullRegexp(spec.SafeRegex)
		if err != nil {
			return false, err
		}
		matched = req.Path != "" && re.MatchString(pathOnly)
	case *routev3.RouteMatch_ConnectMatcher_:
		matched = req.Method == "CONNECT"
	default:
		return false, fmt.Errorf("path specifier %T is not modelled", spec)
	}
	// Header matchers are checked even when the path does not match, so that an unmodelled matcher always fails.
	for _, hm := range m.GetHeaders() {
		ok, err := headerMatcherHolds(hm, req)
		if err != nil {
			return false, err
		}
		matched = matched && ok
	}
	return matched, nil
}

// header returns the values of a request header; the pseudo-headers :method, :authority and :path come from the
// request's fields. Envoy keeps HTTP/1's Host as :authority, so a matcher on "host" finds no header.
func header(req Request, name string) ([]string, bool) {
	switch strings.ToLower(name) {
	case ":method":
		return []string{req.Method}, req.Method != ""
	case ":authority":
		return []string{req.Authority}, req.Authority != ""
	case ":path":
		return []string{req.Path}, req.Path != ""
	}
	var values []string
	found := false
	for key, v := range req.Headers {
		if strings.EqualFold(key, name) {
			values = append(values, v...)
			found = true
		}
	}
	return values, found
}

// headerMatcherHolds evaluates a route HeaderMatcher.
func headerMatcherHolds(hm *routev3.HeaderMatcher, req Request) (bool, error) {
	if hm.GetTreatMissingHeaderAsEmpty() {
		return false, fmt.Errorf("treat_missing_header_as_empty of header %s is not modelled", hm.GetName())
	}
	if strings.HasPrefix(hm.GetName(), ":") && !slices.Contains([]string{":method", ":authority", ":path"}, strings.ToLower(hm.GetName())) {
		return false, fmt.Errorf("header %s is not modelled", hm.GetName())
	}
	values, found := header(req, hm.GetName())
	value := strings.Join(values, ",")

	var matcher *matcherv3.StringMatcher
	switch spec := hm.GetHeaderMatchSpecifier().(type) {
	case nil:
		// "In the absence of any header match specifier, match will default to present_match."
		return found != hm.GetInvertMatch(), nil
	case *routev3.HeaderMatcher_PresentMatch:
		return (found == spec.PresentMatch) != hm.GetInvertMatch(), nil
	case *routev3.HeaderMatcher_StringMatch:
		matcher = spec.StringMatch
	case *routev3.HeaderMatcher_ExactMatch:
		matcher = &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Exact{Exact: spec.ExactMatch}}
	case *routev3.HeaderMatcher_PrefixMatch:
		matcher = &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Prefix{Prefix: spec.PrefixMatch}}
	case *routev3.HeaderMatcher_SuffixMatch:
		matcher = &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Suffix{Suffix: spec.SuffixMatch}}
	case *routev3.HeaderMatcher_ContainsMatch:
		matcher = &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Contains{Contains: spec.ContainsMatch}}
	case *routev3.HeaderMatcher_SafeRegexMatch:
		matcher = &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_SafeRegex{SafeRegex: spec.SafeRegexMatch}}
	default:
		return false, fmt.Errorf("header matcher %T of header %s is not modelled", spec, hm.GetName())
	}
	ok, err := stringMatcherHolds(matcher, value)
	if err != nil {
		return false, fmt.Errorf("header %s: %w", hm.GetName(), err)
	}
	if !found {
		// "the header matcher rule ... will be ignored so it will not match", inverted or not.
		return false, nil
	}
	return ok != hm.GetInvertMatch(), nil
}

// stringMatcherHolds evaluates a StringMatcher; ignore_case folds ASCII letters only, as Envoy does, and does not
// apply to regexes.
func stringMatcherHolds(m *matcherv3.StringMatcher, value string) (bool, error) {
	fold := func(s string) string { return s }
	if m.GetIgnoreCase() {
		fold = asciiLower
	}
	switch pattern := m.GetMatchPattern().(type) {
	case *matcherv3.StringMatcher_Exact:
		return fold(value) == fold(pattern.Exact), nil
	case *matcherv3.StringMatcher_Prefix:
		return strings.HasPrefix(fold(value), fold(pattern.Prefix)), nil
	case *matcherv3.StringMatcher_Suffix:
		return strings.HasSuffix(fold(value), fold(pattern.Suffix)), nil
	case *matcherv3.StringMatcher_Contains:
		return strings.Contains(fold(value), fold(pattern.Contains)), nil
	case *matcherv3.StringMatcher_SafeRegex:
		re, err := fullRegexp(pattern.SafeRegex)
		if err != nil {
			return false, err
		}
		return re.MatchString(value), nil
	default:
		return false, fmt.Errorf("string matcher %T is not modelled", pattern)
	}
}

// fullRegexp compiles a RegexMatcher for a full match. Go's regexp implements RE2's syntax, Envoy's default engine.
func fullRegexp(m *matcherv3.RegexMatcher) (*regexp.Regexp, error) {
	if m.GetEngineType() != nil {
		if _, ok := m.GetEngineType().(*matcherv3.RegexMatcher_GoogleRe2); !ok {
			return nil, fmt.Errorf("regex engine %T is not modelled", m.GetEngineType())
		}
	}
	re, err := regexp.Compile(`^(?:` + m.GetRegex() + `)$`)
	if err != nil {
		return nil, fmt.Errorf("failed to compile regex %q: %w", m.GetRegex(), err)
	}
	return re, nil
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
