// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter_test

import (
	"fmt"
	"net/netip"
	"testing"

	xdsmatcherv3 "github.com/cncf/xds/go/xds/type/matcher/v3"
	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	"sigs.k8s.io/yaml"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
	"github.com/gardener-community/gardener-extension-acl/test/policytest"
)

// BenchmarkRender measures rendering the EnvoyFilters of a shoot with 1, 50 and 1000 disjoint entries (half IPv4,
// half IPv6) on two gateways, three hosts and the shared listeners, and reports the size of the YAML.
func BenchmarkRender(b *testing.B) {
	for _, entries := range []int{1, 50, 1000} {
		b.Run(fmt.Sprintf("entries=%d", entries), func(b *testing.B) {
			cidrs := make([]string, 0, entries)
			for i := range entries {
				if i%2 == 0 {
					cidrs = append(cidrs, fmt.Sprintf("10.%d.%d.0/24", i/256, i%256))
				} else {
					cidrs = append(cidrs, netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(i >> 8), byte(i)}), 48).String())
				}
			}
			compiled, err := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP, Rules: []acl.Rule{{Action: acl.ActionAllow, CIDRs: cidrs}}})
			if err != nil {
				b.Fatal(err)
			}
			input := envoyfilter.Input{
				TechnicalID:   "shoot--dev--bench",
				Policy:        compiled,
				AlwaysAllowed: []netip.Prefix{netip.MustParsePrefix("10.250.0.0/16"), netip.MustParsePrefix("100.96.0.0/11")},
				Gateways: []envoyfilter.Gateway{
					{Namespace: "istio-ingress", Labels: map[string]string{"app": "istio-ingressgateway"}, Chains: envoyfilter.ChainPerHost(envoyfilter.SNIListenerPort, "api.a.example.com", "api.a.internal.example.com"), LegacyVPNListenerPort: 8132,
						SharedSNIChains: []string{"*.ingress.seed.example.com"}},
					{Namespace: "istio-ingress--zone-a", Labels: map[string]string{"app": "istio-ingressgateway", "zone": "a"}, Chains: envoyfilter.ChainPerHost(envoyfilter.SNIListenerPort, "api.a.example.com")},
				},
				SharedSNIHosts: []string{"gu-dev--bench.ingress.seed.example.com", "p-dev--bench.ingress.seed.example.com"},
			}

			var size int
			b.ReportAllocs()
			for b.Loop() {
				filters, err := envoyfilter.Render(input)
				if err != nil {
					b.Fatal(err)
				}
				size = 0
				for _, filter := range filters {
					raw, err := yaml.Marshal(filter)
					if err != nil {
						b.Fatal(err)
					}
					size += len(raw)
				}
			}
			b.ReportMetric(float64(size), "yaml-bytes")
		})
	}
}

// BenchmarkSharedListenerRequest measures what one request on the apiserver-proxy listener costs the filters of a
// gateway with 10, 100 and 1000 ACL shoots of 50 entries each: with the shared slots (what the controller deploys),
// every slot filter of the listener evaluated, and with the inline layout before the switch, one filter per ACL shoot.
// The request is for a shoot's kube-apiserver from a source its rules do not admit, so every filter decides fully.
// The evaluator is test/envoyrbac, not Envoy; it looks match trees up as Envoy does (longest prefix from the value,
// one range lookup), so the growth with the number of shoots is the configuration's, not the evaluator's.
func BenchmarkSharedListenerRequest(b *testing.B) {
	for _, count := range []int{10, 100, 1000} {
		shoots := sharedShoots(count, 50)
		target := shoots[count/2]
		request := envoyrbac.Request{
			RemoteIP: netip.MustParseAddr("203.0.113.7"),
			Headers:  map[string][]string{envoyfilter.HTTPProxyDestinationHeader: {envoyfilter.Destinations(target.TechnicalID)[0]}},
		}

		b.Run(fmt.Sprintf("slots/shoots=%d", count), func(b *testing.B) {
			shards := make([][]envoyfilter.SharedShoot, envoyfilter.SharedListenerShards)
			for _, shoot := range shoots {
				shards[envoyfilter.Shard(shoot.TechnicalID)] = append(shards[envoyfilter.Shard(shoot.TechnicalID)], shoot)
			}
			var matchers []*xdsmatcherv3.Matcher
			for _, slot := range envoyfilter.SharedSlots() {
				matcher, err := envoyfilter.SharedListenerMatcher(envoyfilter.HTTPProxyDestinationHeader, slot.Form, shards[slot.Shard])
				if err != nil {
					b.Fatal(err)
				}
				matchers = append(matchers, matcher)
			}
			b.ReportAllocs()
			for b.Loop() {
				if allowedByAll(b, request, matchers, nil) {
					b.Fatal("a source outside the shoot's rules was admitted")
				}
			}
			b.ReportMetric(float64(len(matchers)), "filters/request")
		})

		b.Run(fmt.Sprintf("inline/shoots=%d", count), func(b *testing.B) {
			var rules []*rbacconfigv3.RBAC
			for _, shoot := range shoots {
				filter, err := envoyfilter.SharedListenerRBAC("acl_"+shoot.TechnicalID+"_", envoyfilter.HTTPProxyDestinationHeader, envoyfilter.Destinations(shoot.TechnicalID), shoot.PrincipalType, shoot.Allowed)
				if err != nil {
					b.Fatal(err)
				}
				rules = append(rules, filter.GetRules())
			}
			b.ReportAllocs()
			for b.Loop() {
				if allowedByAll(b, request, nil, rules) {
					b.Fatal("a source outside the shoot's rules was admitted")
				}
			}
			b.ReportMetric(float64(len(rules)), "filters/request")
		})
	}
}

// allowedByAll tells whether a request passes every filter of a listener, evaluating each as Envoy's filter chain
// does (all of them run; the first denial ends the request, but the benchmark wants the full cost).
func allowedByAll(b *testing.B, request envoyrbac.Request, matchers []*xdsmatcherv3.Matcher, rules []*rbacconfigv3.RBAC) bool {
	allowed := true
	for _, matcher := range matchers {
		ok, err := envoyrbac.MatcherAllowed(matcher, request)
		if err != nil {
			b.Fatal(err)
		}
		allowed = allowed && ok
	}
	for _, r := range rules {
		ok, err := envoyrbac.Allowed(r, request)
		if err != nil {
			b.Fatal(err)
		}
		allowed = allowed && ok
	}
	return allowed
}
