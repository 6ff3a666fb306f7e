// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter_test

import (
	"fmt"
	"net/netip"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
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
			compiled, err := policy.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP, Rules: []acl.Rule{{Action: acl.ActionAllow, CIDRs: cidrs}}})
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
