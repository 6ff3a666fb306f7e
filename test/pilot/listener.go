// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot

import (
	"fmt"
	"slices"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
)

// Names of the Envoy filters this package understands.
const (
	hcmFilterName = "envoy.filters.network.http_connection_manager"
	// NetworkRBACFilterName is the name of Envoy's network RBAC filter.
	NetworkRBACFilterName = "envoy.filters.network.rbac"
	// HTTPRBACFilterName is the name of Envoy's HTTP RBAC filter.
	HTTPRBACFilterName = "envoy.filters.http.rbac"

	tlsInspectorName  = "envoy.filters.listener.tls_inspector"
	proxyProtocolName = "envoy.filters.listener.proxy_protocol"
	httpInspectorName = "envoy.filters.listener.http_inspector"

	transportTLS = "tls"
	transportRaw = "raw_buffer"
)

// Connection is a new downstream TCP connection to the gateway, as Envoy's listener filters see it.
type Connection struct {
	// Port is the destination port of the connection on the gateway pod (the listener's port, e.g. 9443 for the
	// Service port 443).
	Port uint32
	// TLS is true when the client starts a TLS handshake.
	TLS bool
	// ServerName is the SNI of the TLS ClientHello, empty without one.
	ServerName string
	// ALPN are the application protocols the ClientHello offers, in the client's order.
	ALPN []string
}

// TLSConnection returns a TLS connection to port with the given SNI and no ALPN.
func TLSConnection(port uint32, serverName string) Connection {
	return Connection{Port: port, TLS: true, ServerName: serverName}
}

// detected is what the listener filters detect of a connection: Envoy's ConnectionSocket requested server name,
// detected transport protocol and requested application protocols.
type detected struct {
	serverName string
	transport  string
	alpn       []string
}

// Listener returns the listener that accepts TCP connections to port. Istio binds a gateway's listeners to the
// wildcard address (0.0.0.0 and, dual-stack, additional addresses); Envoy hands a connection to the listener bound
// to its destination address. Listeners that are not bound to a TCP port (Envoy internal listeners, pipes) are never
// chosen. More than one listener on the port, a listener bound to a specific address or one with use_original_dst is
// not modelled and an error.
func (c *Config) Listener(port uint32) (*listenerv3.Listener, error) {
	var found []*listenerv3.Listener
	for _, l := range c.Listeners {
		addresses := []*corev3.Address{l.GetAddress()}
		for _, additional := range l.GetAdditionalAddresses() {
			addresses = append(addresses, additional.GetAddress())
		}
		for _, address := range addresses {
			socket := address.GetSocketAddress()
			if socket == nil || socket.GetPortValue() != port || socket.GetProtocol() != corev3.SocketAddress_TCP {
				continue
			}
			if a := socket.GetAddress(); a != "0.0.0.0" && a != "::" {
				return nil, fmt.Errorf("failed to select the listener of port %d: listener %s is bound to %s, which is not modelled", port, l.GetName(), a)
			}
			if !slices.Contains(found, l) {
				found = append(found, l)
			}
		}
	}
	switch {
	case len(found) == 0:
		return nil, fmt.Errorf("failed to select the listener of port %d: no listener", port)
	case len(found) > 1:
		return nil, fmt.Errorf("failed to select the listener of port %d: %d listeners, which is not modelled", port, len(found))
	case found[0].GetUseOriginalDst().GetValue():
		return nil, fmt.Errorf("failed to select the listener of port %d: listener %s uses use_original_dst, which is not modelled", port, found[0].GetName())
	}
	return found[0], nil
}

// FilterChain returns the filter chain of the port's listener that a connection reaches, as Envoy selects it.
func (c *Config) FilterChain(conn Connection) (*listenerv3.FilterChain, error) {
	l, err := c.Listener(conn.Port)
	if err != nil {
		return nil, err
	}
	return SelectFilterChain(l, conn)
}

// SelectFilterChain returns the filter chain of the listener that a connection reaches, following Envoy's
// FilterChainMatch rules (envoy/config/listener/v3/listener_components.proto, FilterChainMatch, and Envoy's
// FilterChainManagerImpl::findFilterChain):
//
//   - Only the listener filters detect what the chains match on: envoy.filters.listener.tls_inspector sets the
//     transport protocol "tls", the SNI (lowercased) and the ALPN of a TLS ClientHello; without it, or for a
//     plaintext connection, the transport protocol is "raw_buffer" and there is no SNI or ALPN.
//     envoy.filters.listener.proxy_protocol changes only the addresses, which no modelled criterion reads.
//   - The criteria are applied in order: destination port, destination IP, server name, transport protocol,
//     application protocols, then the source criteria. At each step only the chains with the most specific value
//     that matches the connection continue; chains without a value for the criterion match any connection but are
//     less specific than any value. There is no backtracking: when the most specific candidates fail a later step, the
//     connection gets no chain from this listener, not a less specific chain.
//   - Server names: the exact name beats wildcards, and the longest wildcard suffix ("*.b.c" before "*.c") wins; a
//     wildcard "*.example.com" matches any name that ends in ".example.com" with at least one more character, over
//     any number of labels, and never "example.com" itself. Names compare lowercased.
//   - Application protocols: the first of the client's protocols, in the client's order, that any candidate names.
//   - When nothing matches, the connection goes to default_filter_chain; without it, Envoy closes the connection and
//     SelectFilterChain returns an error saying so.
//
// A listener that uses filter_chain_matcher, a listener filter other than the three above (or one with
// filter_disabled or config_discovery), destination or source address criteria, source types or ports, or
// destination ports together with the PROXY protocol is not modelled and an error. So is a listener Envoy rejects for
// filter chains with overlapping matches.
func SelectFilterChain(l *listenerv3.Listener, conn Connection) (*listenerv3.FilterChain, error) {
	d, err := detect(l, conn)
	if err != nil {
		return nil, err
	}
	if err := checkOverlaps(l); err != nil {
		return nil, err
	}
	hasProxyProtocol := slices.ContainsFunc(l.GetListenerFilters(), func(f *listenerv3.ListenerFilter) bool { return f.GetName() == proxyProtocolName })

	candidates := l.GetFilterChains()
	for _, chain := range candidates {
		m := chain.GetFilterChainMatch()
		switch {
		case len(m.GetPrefixRanges()) > 0 || m.GetAddressSuffix() != "" || m.GetSuffixLen() != nil:
			return nil, unmodelled(l, chain, "destination address criteria")
		case len(m.GetDirectSourcePrefixRanges()) > 0 || len(m.GetSourcePrefixRanges()) > 0:
			return nil, unmodelled(l, chain, "source address criteria")
		case m.GetSourceType() != listenerv3.FilterChainMatch_ANY:
			return nil, unmodelled(l, chain, "a source type")
		case len(m.GetSourcePorts()) > 0:
			return nil, unmodelled(l, chain, "source ports")
		case m.GetDestinationPort() != nil && hasProxyProtocol:
			return nil, unmodelled(l, chain, "a destination port behind the PROXY protocol")
		case d.transport == transportRaw && len(m.GetApplicationProtocols()) > 0 &&
			slices.ContainsFunc(l.GetListenerFilters(), func(f *listenerv3.ListenerFilter) bool { return f.GetName() == httpInspectorName }):
			return nil, unmodelled(l, chain, "application protocols of a plaintext connection (http_inspector)")
		}
	}

	// 1. Destination port: the chains naming the connection's port, else those naming no port. Envoy falls back to the
	// default chain, not to the chains without a port, when chains name the port but none of them matches.
	if withPort := filterChains(candidates, func(m *listenerv3.FilterChainMatch) bool {
		return m.GetDestinationPort() != nil && m.GetDestinationPort().GetValue() == conn.Port
	}); len(withPort) > 0 {
		candidates = withPort
	} else {
		candidates = filterChains(candidates, func(m *listenerv3.FilterChainMatch) bool { return m.GetDestinationPort() == nil })
	}
	// 2. Destination IP: no candidate names one (checked above).
	// 3. Server names.
	candidates = mostSpecificServerName(candidates, d.serverName)
	// 4. Transport protocol: the exact protocol, else chains that name none.
	candidates = mostSpecific(candidates, func(m *listenerv3.FilterChainMatch) bool { return m.GetTransportProtocol() == d.transport },
		func(m *listenerv3.FilterChainMatch) bool { return m.GetTransportProtocol() == "" })
	// 5. Application protocols: the first of the client's protocols a candidate names, else chains that name none.
	candidates = mostSpecificApplicationProtocol(candidates, d.alpn)
	// 6.-9. Source criteria: no candidate names one (checked above).

	switch len(candidates) {
	case 1:
		return candidates[0], nil
	case 0:
		if l.GetDefaultFilterChain() != nil {
			return l.GetDefaultFilterChain(), nil
		}
		return nil, fmt.Errorf("failed to select a filter chain of listener %s for %s: no chain matches and there is no default chain, Envoy closes the connection", l.GetName(), describe(conn))
	default:
		// Envoy rejects such listeners (overlapping matches), which checkOverlaps reports first.
		return nil, fmt.Errorf("failed to select a filter chain of listener %s for %s: %d chains match", l.GetName(), describe(conn), len(candidates))
	}
}

func describe(conn Connection) string {
	if !conn.TLS {
		return fmt.Sprintf("a plaintext connection to port %d", conn.Port)
	}
	return fmt.Sprintf("a TLS connection to port %d with SNI %q and ALPN %v", conn.Port, conn.ServerName, conn.ALPN)
}

func unmodelled(l *listenerv3.Listener, chain *listenerv3.FilterChain, what string) error {
	return fmt.Errorf("failed to select a filter chain of listener %s: chain %q matches on %s, which is not modelled", l.GetName(), chain.GetName(), what)
}

// detect returns what the listener filters of l detect of conn.
func detect(l *listenerv3.Listener, conn Connection) (detected, error) {
	if l.GetFilterChainMatcher() != nil {
		return detected{}, fmt.Errorf("failed to select a filter chain of listener %s: filter_chain_matcher is not modelled", l.GetName())
	}
	d := detected{transport: transportRaw}
	for _, f := range l.GetListenerFilters() {
		if f.GetFilterDisabled() != nil || f.GetConfigDiscovery() != nil {
			return detected{}, fmt.Errorf("failed to select a filter chain of listener %s: listener filter %s with filter_disabled or config_discovery is not modelled", l.GetName(), f.GetName())
		}
		switch f.GetName() {
		case tlsInspectorName:
			if conn.TLS {
				// Envoy stores the requested server name lowercased (FilterChainManagerImpl asserts it).
				d = detected{serverName: strings.ToLower(conn.ServerName), transport: transportTLS, alpn: conn.ALPN}
			}
		case proxyProtocolName, httpInspectorName:
		default:
			return detected{}, fmt.Errorf("failed to select a filter chain of listener %s: listener filter %s is not modelled", l.GetName(), f.GetName())
		}
	}
	return d, nil
}

// filterChains returns the chains whose match (possibly nil, which matches anything) keeps holds for.
func filterChains(chains []*listenerv3.FilterChain, keep func(*listenerv3.FilterChainMatch) bool) []*listenerv3.FilterChain {
	var out []*listenerv3.FilterChain
	for _, chain := range chains {
		if keep(chain.GetFilterChainMatch()) {
			out = append(out, chain)
		}
	}
	return out
}

// mostSpecific returns the chains that match exactly, or when there are none the chains that do not restrict the
// criterion.
func mostSpecific(chains []*listenerv3.FilterChain, exact, unrestricted func(*listenerv3.FilterChainMatch) bool) []*listenerv3.FilterChain {
	if matched := filterChains(chains, exact); len(matched) > 0 {
		return matched
	}
	return filterChains(chains, unrestricted)
}

// mostSpecificServerName applies Envoy's server name step: exact name, then wildcard suffixes from the longest
// (".b.c" for "a.b.c") to the shortest (".c"), then chains without server names.
func mostSpecificServerName(chains []*listenerv3.FilterChain, serverName string) []*listenerv3.FilterChain {
	names := func(m *listenerv3.FilterChainMatch) []string {
		var out []string
		for _, n := range m.GetServerNames() {
			out = append(out, strings.ToLower(n))
		}
		return out
	}
	if serverName != "" {
		if matched := filterChains(chains, func(m *listenerv3.FilterChainMatch) bool { return slices.Contains(names(m), serverName) }); len(matched) > 0 {
			return matched
		}
		// Envoy looks up ".example.com" and ".com" for "www.example.com": every suffix that starts at a dot after the
		// first character and is not just the final dot.
		for pos := indexFrom(serverName, '.', 1); pos >= 0 && pos < len(serverName)-1; pos = indexFrom(serverName, '.', pos+1) {
			wildcard := "*" + serverName[pos:]
			if matched := filterChains(chains, func(m *listenerv3.FilterChainMatch) bool { return slices.Contains(names(m), wildcard) }); len(matched) > 0 {
				return matched
			}
		}
	}
	return filterChains(chains, func(m *listenerv3.FilterChainMatch) bool { return len(m.GetServerNames()) == 0 })
}

// indexFrom returns the index of the first c in s at or after from, -1 if there is none.
func indexFrom(s string, c byte, from int) int {
	if from >= len(s) {
		return -1
	}
	if i := strings.IndexByte(s[from:], c); i >= 0 {
		return from + i
	}
	return -1
}

// mostSpecificApplicationProtocol applies Envoy's application protocol step: the first of the client's protocols, in
// the client's order, that a chain names; else the chains that name none.
func mostSpecificApplicationProtocol(chains []*listenerv3.FilterChain, alpn []string) []*listenerv3.FilterChain {
	for _, protocol := range alpn {
		if matched := filterChains(chains, func(m *listenerv3.FilterChainMatch) bool {
			return slices.Contains(m.GetApplicationProtocols(), protocol)
		}); len(matched) > 0 {
			return matched
		}
	}
	return filterChains(chains, func(m *listenerv3.FilterChainMatch) bool { return len(m.GetApplicationProtocols()) == 0 })
}

// checkOverlaps fails for a listener Envoy rejects: two chains whose matches share a (destination port, server name,
// transport protocol, application protocol) combination ("multiple filter chains with overlapping matching rules").
func checkOverlaps(l *listenerv3.Listener) error {
	seen := map[string]string{}
	for _, chain := range l.GetFilterChains() {
		m := chain.GetFilterChainMatch()
		serverNames := []string{""}
		if len(m.GetServerNames()) > 0 {
			serverNames = nil
			for _, n := range m.GetServerNames() {
				serverNames = append(serverNames, strings.ToLower(n))
			}
		}
		protocols := []string{""}
		if len(m.GetApplicationProtocols()) > 0 {
			protocols = m.GetApplicationProtocols()
		}
		for _, serverName := range serverNames {
			for _, protocol := range protocols {
				key := fmt.Sprintf("%d|%s|%s|%s", m.GetDestinationPort().GetValue(), serverName, m.GetTransportProtocol(), protocol)
				if other, ok := seen[key]; ok {
					return fmt.Errorf("failed to select a filter chain of listener %s: chains %q and %q overlap, Envoy rejects the listener", l.GetName(), other, chain.GetName())
				}
				seen[key] = chain.GetName()
			}
		}
	}
	return nil
}

// NetworkFilters returns the network filters of a chain in the order Envoy runs them; Envoy requires the terminal
// filter (the HTTP connection manager or the TCP proxy) to be the last.
func NetworkFilters(chain *listenerv3.FilterChain) []*listenerv3.Filter {
	return chain.GetFilters()
}

// FilterNames returns the names of filters in order.
func FilterNames[T interface{ GetName() string }](filters []T) []string {
	names := make([]string, 0, len(filters))
	for _, f := range filters {
		names = append(names, f.GetName())
	}
	return names
}

// HTTPConnectionManager returns the HTTP connection manager of a chain, nil when the chain has none (e.g. TLS
// passthrough to a TCP proxy). Like Envoy, it recognizes the filter by the type of its typed_config.
func HTTPConnectionManager(chain *listenerv3.FilterChain) (*hcmv3.HttpConnectionManager, error) {
	for _, f := range chain.GetFilters() {
		if isHCM(f) {
			return unpackHCM(f)
		}
	}
	return nil, nil
}

// isHCM reports whether a network filter is an HTTP connection manager: by its type, or by its name when it comes
// from ECDS (which unpackHCM rejects).
func isHCM(f *listenerv3.Filter) bool {
	if f.GetConfigDiscovery() != nil {
		return f.GetName() == hcmFilterName
	}
	return f.GetTypedConfig().GetTypeUrl() == hcmType
}

// HTTPFilters returns the HTTP filters of a chain's HTTP connection manager in the order Envoy runs them on a
// request (Envoy requires the terminal filter, the router, to be the last); an error when the chain has no HTTP
// connection manager.
func HTTPFilters(chain *listenerv3.FilterChain) ([]*hcmv3.HttpFilter, error) {
	hcm, err := HTTPConnectionManager(chain)
	if err != nil {
		return nil, err
	}
	if hcm == nil {
		return nil, fmt.Errorf("failed to list HTTP filters: chain %q has no HTTP connection manager", chain.GetName())
	}
	return hcm.GetHttpFilters(), nil
}

func unpackHCM(f *listenerv3.Filter) (*hcmv3.HttpConnectionManager, error) {
	if f.GetConfigDiscovery() != nil {
		return nil, fmt.Errorf("failed to read filter %s: an HTTP connection manager from ECDS is not modelled", f.GetName())
	}
	hcm := &hcmv3.HttpConnectionManager{}
	if err := f.GetTypedConfig().UnmarshalTo(hcm); err != nil {
		return nil, fmt.Errorf("failed to unpack the HTTP connection manager %s: %w", f.GetName(), err)
	}
	return hcm, nil
}
