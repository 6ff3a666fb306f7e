// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	. "github.com/onsi/gomega"

	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
	"github.com/gardener-community/gardener-extension-acl/test/pilot"
)

// Roles of the matrix shoots.
const (
	protected = "protected" // ACL rules with ALLOW and DENY, both families
	second    = "second"    // other ACL rules, in the legacy single-rule form
	open      = "open"      // no acl extension
)

// The shoots' rules and the addresses gardener reports for them. Each ACL shoot admits only its own office and nodes
// besides the seed.
const (
	protectedRules = `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[` +
		`{"action":"ALLOW","cidrs":["203.0.113.0/24","2001:db8:a::/48"]},{"action":"DENY","cidrs":["203.0.113.128/26"]}]}`
	// auditedRules are protectedRules in Audit mode: evaluated and counted, enforcing nothing.
	auditedRules = `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","mode":"Audit","rules":[` +
		`{"action":"ALLOW","cidrs":["203.0.113.0/24","2001:db8:a::/48"]},{"action":"DENY","cidrs":["203.0.113.128/26"]}]}`
	secondRules = `{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["198.18.0.0/24","2001:db8:b::/48"]}}`

	// protectedNodes is gardenerseed's default shoot node network; the second shoot gets secondNodes.
	protectedNodes = "10.250.0.0/16"
	secondNodes    = "10.251.0.0/16"
)

var (
	protectedEgress = []string{"198.51.100.10/32", "2001:db8:e::a/128"}
	secondEgress    = []string{"198.51.100.20/32", "2001:db8:e::b/128"}
)

// source is a client address and the ACL shoots that must admit it; every path of a shoot without the extension
// admits everybody.
type source struct {
	name     string
	addr     string
	admitted []string
}

var everyACLShoot = []string{protected, second}

// sources are the clients of the matrix: admitted, always-allowed and foreign, IPv4 and IPv6.
var sources = []source{
	{"protected shoot's office", "203.0.113.7", []string{protected}},
	{"protected shoot's office, IPv6", "2001:db8:a::7", []string{protected}},
	{"protected shoot's DENY exception", "203.0.113.130", nil},
	{"protected shoot's office as IPv4-mapped IPv6", "::ffff:203.0.113.7", nil},
	{"second shoot's office", "198.18.0.7", []string{second}},
	{"second shoot's office, IPv6", "2001:db8:b::7", []string{second}},
	{"seed node network", "10.1.0.5", everyACLShoot},  // gardenerseed.DefaultSeedNodeCIDR
	{"seed pod network", "100.64.0.5", everyACLShoot}, // gardenerseed.DefaultSeedPodCIDR
	{"protected shoot's node network", "10.250.0.5", []string{protected}},
	{"second shoot's node network", "10.251.0.5", []string{second}},
	{"protected shoot's egress", "198.51.100.10", []string{protected}},
	{"protected shoot's egress, IPv6", "2001:db8:e::a", []string{protected}},
	{"second shoot's egress", "198.51.100.20", []string{second}},
	{"second shoot's egress, IPv6", "2001:db8:e::b", []string{second}},
	{"foreign", "198.51.100.99", nil},
	{"foreign, IPv6", "2001:db8:f::1", nil},
}

// admittedBy is the verdict every path of the shoot must give the source.
func (s source) admittedBy(shoot *shootUnderTest) bool {
	return !shoot.hasACL() || slices.Contains(s.admitted, shoot.rulesOf())
}

// request is what Envoy's RBAC sees of a direct client without PROXY protocol or X-Forwarded-For: the same address
// everywhere.
func (s source) request(headers map[string][]string) envoyrbac.Request {
	addr := netip.MustParseAddr(s.addr)
	return envoyrbac.Request{RemoteIP: addr, ConnectionRemoteIP: addr, DirectRemoteIP: addr, Headers: headers}
}

// sniPath is a host of a shoot on the SNI listener, with the ingress gateway gardener serves it on.
type sniPath struct {
	kind    string
	host    string
	gateway string
}

// sniPaths are the shoot's hosts on port 9443: the kube-apiserver's external, internal and (with the seed's wildcard
// certificate) wildcard host, and its observability hosts. The kube-apiserver is served by its own gateway, the
// wildcard and observability hosts by the seed's default gateway (gardenerseed.ShootIngressGateway).
func (s *seedUnderTest) sniPaths(shoot *shootUnderTest) []sniPath {
	apiServer, defaultGateway := shoot.apiServerGateway.Namespace, s.defaultGateway().Namespace
	paths := []sniPath{
		{"kube-apiserver, external host", shoot.spec.ExternalAPIServerHost(), apiServer},
		{"kube-apiserver, external host in upper case", strings.ToUpper(shoot.spec.ExternalAPIServerHost()), apiServer},
		{"kube-apiserver, internal host", shoot.spec.InternalAPIServerHost(), apiServer},
	}
	if s.seed.WildcardCertificate {
		paths = append(paths, sniPath{"kube-apiserver, wildcard host api-<shortID>", shoot.spec.IngressHost(s.seed, "api"), defaultGateway})
	}
	paths = append(paths,
		sniPath{"plutono gu-", shoot.spec.IngressHost(s.seed, "gu"), defaultGateway},
		sniPath{"prometheus p-", shoot.spec.IngressHost(s.seed, "p"), defaultGateway},
	)
	if shoot.spec.Alertmanager {
		paths = append(paths, sniPath{"alertmanager au-", shoot.spec.IngressHost(s.seed, "au"), defaultGateway})
	}
	if shoot.spec.Logging {
		paths = append(paths,
			sniPath{"vali v-", shoot.spec.IngressHost(s.seed, "v"), defaultGateway},
			sniPath{"OpenTelemetry collector otc-", shoot.spec.IngressHost(s.seed, "otc"), defaultGateway},
		)
	}
	return paths
}

// hosts are the shoot's server names in lower case, as Envoy compares them.
func (s *seedUnderTest) hosts(shoot *shootUnderTest) []string {
	var hosts []string
	for _, path := range s.sniPaths(shoot) {
		hosts = append(hosts, strings.ToLower(path.host))
	}
	slices.Sort(hosts)
	return slices.Compact(hosts)
}

// sharedListener is a listener every shoot of a gateway shares, routing HTTP CONNECT requests by a header.
type sharedListener struct {
	port   uint32
	header string
}

// sharedListeners are gardener v1.150's apiserver-proxy / reversed-VPN listener and the legacy reversed-VPN listener
// (istio-ingress chart: http-proxy-envoy-filter.yaml, vpn-envoy-filter.yaml; RemoveHTTPProxyLegacyPort is off).
var sharedListeners = []sharedListener{{8443, "X-Gardener-Destination"}, {8132, "Reversed-VPN"}}

// destinationForms are the header values by which gardener's route on the shared listeners reaches a control plane:
// the route's regex `^(outbound\|(1194\|\|vpn-seed-server(-[0-4])?|443\|\|kube-apiserver)\..*\.svc\.cluster\.local|
// (shoot--...)--kube-apiserver-socket)$` with the control plane namespace put in, each as a single value and, as
// Envoy joins repeated headers with "," for the regex but routes by the first value, followed by a second value.
func destinationForms(namespace string) [][]string {
	values := []string{
		fmt.Sprintf("outbound|443||kube-apiserver.%s.svc.cluster.local", namespace),
		fmt.Sprintf("outbound|1194||vpn-seed-server.%s.svc.cluster.local", namespace),
	}
	for i := range 5 {
		values = append(values, fmt.Sprintf("outbound|1194||vpn-seed-server-%d.%s.svc.cluster.local", i, namespace))
	}
	values = append(values, namespace+"--kube-apiserver-socket")

	forms := make([][]string, 0, 2*len(values))
	for _, value := range values {
		forms = append(forms, []string{value}, []string{value, "x.svc.cluster.local"})
	}
	return forms
}

// connect is an HTTP CONNECT request of the apiserver-proxy or reversed VPN naming its destination in header.
func connect(header string, values []string) pilot.Request {
	return pilot.Request{Method: "CONNECT", Authority: "kube-apiserver:443", Headers: map[string][]string{header: values}}
}

// reaches tells whether a route sends the request to an upstream cluster of the control plane namespace: its Services
// (outbound|<port>||<service>.<namespace>.svc.cluster.local) or gardener's kube-apiserver socket.
func reaches(route *pilot.Route, namespace string) bool {
	return route.Action == pilot.RouteToCluster &&
		(strings.Contains(route.Cluster, "."+namespace+".svc.") || route.Cluster == namespace+"--kube-apiserver-socket")
}

// ownFilters returns the RBAC filters of a chain that belong to the shoot, by their stat prefix.
func ownFilters(config *pilot.Config, chain *listenerv3.FilterChain, shoot *shootUnderTest) []pilot.RBACFilter {
	filters, err := config.RBACFilters(chain)
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), chain.GetName())
	return pilot.WithStatPrefix(filters, shoot.statPrefix())
}

// verdict records one cell of the matrix: what Envoy would do with a source on a path, and what it must do. For an
// audited shoot it is the verdict of the shadow evaluation, what Envoy counts as shadow_allowed or shadow_denied.
type verdict struct {
	path, source string
	allowed      bool
	want         bool
	shadow       bool
}

func (v verdict) String() string {
	if v.shadow {
		return fmt.Sprintf("%s from %s: shadow allowed=%t, want %t", v.path, v.source, v.allowed, v.want)
	}
	return fmt.Sprintf("%s from %s: allowed=%t, want %t", v.path, v.source, v.allowed, v.want)
}

// verdictOf is the cell of a decision on a path of the shoot. An audited shoot's paths must admit every source and
// evaluate its rules in shadow, whose verdict the cell records; an enforced shoot's path must not be shadow-denied by
// anybody's audit.
func verdictOf(shoot *shootUnderTest, decision pilot.Decision, path string, src source) verdict {
	cell := verdict{path: path, source: src.name, allowed: decision.Allowed, want: src.admittedBy(shoot), shadow: shoot.audited}
	if shoot.audited {
		ExpectWithOffset(1, decision.Allowed).To(BeTrue(), "%s refuses %s while its shoot audits", path, src.name)
		ExpectWithOffset(1, decision.Audited).To(BeTrue(), "%s evaluates nothing in shadow while its shoot audits", path)
		cell.allowed = decision.ShadowAllowed
		return cell
	}
	ExpectWithOffset(1, decision.ShadowAllowed).To(BeTrue(), "%s from %s is shadow-denied, but its shoot enforces", path, src.name)
	return cell
}

// wrong returns the cells whose verdict differs from the expected one.
func wrong(cells []verdict) []string {
	var out []string
	for _, cell := range cells {
		if cell.allowed != cell.want {
			out = append(out, cell.String())
		}
	}
	return out
}
