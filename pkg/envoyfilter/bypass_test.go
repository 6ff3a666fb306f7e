// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter_test

import (
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
	"github.com/gardener-community/gardener-extension-acl/test/policytest"
)

// gardenerRoute is how gardener v1.150's istio ingress chart routes a shared listener: a request whose destination
// header values, joined with "," (as Envoy matches headers), match the route's regular expression is sent to the
// cluster named by the header's first value (Envoy's cluster_header reads only the first value); no such cluster
// means no upstream at all.
type gardenerRoute struct {
	header string
	match  *regexp.Regexp
}

// readGardenerRoute reads the route of one shared listener from the istio ingress chart of the pinned gardener module,
// so that the test follows gardener's real configuration instead of a copy of it.
func readGardenerRoute(template, header string) gardenerRoute {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/gardener/gardener").Output()
	Expect(err).NotTo(HaveOccurred())
	raw, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "pkg/component/networking/istio/charts/istio/istio-ingress/templates", template))
	Expect(err).NotTo(HaveOccurred())
	// The legacy listener's header is a chart value; gardener's ingress gateway component sets it to Reversed-VPN.
	content := strings.ReplaceAll(string(raw), "{{ .Values.httpProxy.legacyPort.header }}", envoyfilter.LegacyVPNDestinationHeader)
	Expect(content).To(ContainSubstring("name: "+header), "the route matches on %s", header)
	Expect(content).To(ContainSubstring("cluster_header: "+header), "the route sends to the cluster the header names")
	found := regexp.MustCompile(`regex: '([^']+)'`).FindStringSubmatch(content)
	Expect(found).To(HaveLen(2), "the route's regular expression")
	return gardenerRoute{header: header, match: regexp.MustCompile(found[1])}
}

// routedShoot returns the shoot a request with these header values reaches, "" when it reaches none.
func (r gardenerRoute) routedShoot(values []string, clusters map[string]string) string {
	if len(values) == 0 || !r.match.MatchString(strings.Join(values, ",")) {
		return ""
	}
	return clusters[values[0]]
}

var _ = Describe("Bypass attempts on the shared listeners", func() {
	const victim = "shoot--dev--a"
	// Shoots whose technical IDs contain, extend or resemble the victim's.
	others := []string{"shoot--dev--ab", "shoot--xdev--a", "shoot--dev--a-b", "shoot--dev--a--b", "shoot--de--a"}
	outside, office := netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("192.0.2.1")

	clusters := map[string]string{}
	for _, shoot := range append([]string{victim}, others...) {
		for _, destination := range envoyfilter.Destinations(shoot) {
			clusters[destination] = shoot
		}
	}

	// Header values an attacker may send: every shoot's destinations, variants of the victim's, and garbage that
	// still satisfies the route's regular expression when joined.
	var pool []string
	for destination := range clusters {
		pool = append(pool, destination)
	}
	for _, destination := range envoyfilter.Destinations(victim) {
		pool = append(pool, strings.ToUpper(destination), " "+destination, destination+" ", destination+".", "x"+destination,
			destination+",", ","+destination, strings.Replace(destination, victim, victim+"x", 1), strings.Replace(destination, ".svc", "..svc", 1))
	}
	pool = append(pool, "", ",", "foo.svc.cluster.local", "outbound|443||kube-apiserver.x.svc.cluster.local", victim+"--kube-apiserver-socket,x")

	victimFilter := func(header string) *rbachttpv3.RBAC {
		compiled, err := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP, Rules: []acl.Rule{{Action: acl.ActionAllow, CIDRs: []string{"192.0.2.0/24"}}}})
		Expect(err).NotTo(HaveOccurred())
		filter, err := envoyfilter.SharedListenerRBAC("acl_", header, envoyfilter.Destinations(victim), compiled.Type, compiled.Prefixes())
		Expect(err).NotTo(HaveOccurred())
		return filter
	}

	DescribeTable("no header values reach the victim from outside its rules, and none of another shoot's are blocked",
		func(template, header string) {
			route := readGardenerRoute(template, header)
			for _, destination := range envoyfilter.Destinations(victim) {
				Expect(route.match.MatchString(destination)).To(BeTrue(), "gardener routes %s", destination)
			}
			filter := victimFilter(header)

			check := func(values []string) {
				reached := route.routedShoot(values, clusters)
				request := func(source netip.Addr) envoyrbac.Request {
					return envoyrbac.Request{RemoteIP: source, Headers: map[string][]string{header: values}}
				}
				fromOutside, err := envoyrbac.Allowed(filter.GetRules(), request(outside))
				Expect(err).NotTo(HaveOccurred())
				fromOffice, err := envoyrbac.Allowed(filter.GetRules(), request(office))
				Expect(err).NotTo(HaveOccurred())
				Expect(fromOffice).To(BeTrue(), "allowed sources pass with %q", values)
				switch reached {
				case victim:
					Expect(fromOutside).To(BeFalse(), "%q reaches the victim and must be refused from outside", values)
				case "":
				default:
					Expect(fromOutside).To(BeTrue(), "%q reaches %s, which the victim's rules must not block", values, reached)
				}
			}

			tried := 0
			for _, first := range pool {
				check([]string{first})
				tried++
				for _, second := range pool {
					check([]string{first, second})
					tried++
				}
			}
			GinkgoWriter.Printf("%s: %d header value combinations tried\n", header, tried)
		},
		Entry("apiserver-proxy and VPN listener (8443)", "http-proxy-envoy-filter.yaml", envoyfilter.HTTPProxyDestinationHeader),
		Entry("legacy reversed-VPN listener (8132)", "vpn-envoy-filter.yaml", envoyfilter.LegacyVPNDestinationHeader),
	)
})
