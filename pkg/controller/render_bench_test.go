// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"fmt"
	"net/netip"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/benchinput"
)

// BenchmarkRenderManagedResourceData measures the actuator's pure path for one shoot, end to end: providerConfig
// bytes (the legacy single rule, N distinct CIDRs, half IPv4 /24 and half IPv6 /64) through validation and
// compilation (validation.EnforceProviderConfig), rendering (envoyfilter.Render: one gateway, one SNI host) and
// envoyfilter.ManagedResourceData (JSON, brotli) to the data of the shoot's ManagedResource. This is the measure of issue #16's
// reference table; on the no-drain layout the shared listeners' rules are the gateway reconciler's, not the shoot's.
func BenchmarkRenderManagedResourceData(b *testing.B) {
	for _, entries := range []int{1, 50, 1000} {
		b.Run(fmt.Sprintf("entries=%d", entries), func(b *testing.B) {
			raw := benchinput.ProviderConfig(entries)
			limits := validation.Limits{MaxEntries: entries, MaxCompiledPrefixes: 4 * entries}
			gateway := envoyfilter.Gateway{
				Namespace: "istio-ingress", Labels: map[string]string{"app": "istio-ingressgateway"}, LegacyVPNListenerPort: 8132,
				Chains: envoyfilter.ChainPerHost(envoyfilter.SNIListenerPort, "api.bench.dev.example.com"),
			}
			alwaysAllowed := []netip.Prefix{netip.MustParsePrefix("10.250.0.0/16"), netip.MustParsePrefix("100.64.0.0/13")}

			var stored int
			b.ReportAllocs()
			for b.Loop() {
				validated := validation.EnforceProviderConfig(raw, field.NewPath("spec", "providerConfig"), limits)
				if len(validated.Errors) > 0 {
					b.Fatal(validated.Errors.ToAggregate())
				}
				filters, err := envoyfilter.Render(envoyfilter.Input{
					TechnicalID: "shoot--dev--bench", Policy: validated.Policy, AlwaysAllowed: alwaysAllowed, Gateways: []envoyfilter.Gateway{gateway},
				})
				if err != nil {
					b.Fatal(err)
				}
				data, err := envoyfilter.ManagedResourceData(filters)
				if err != nil {
					b.Fatal(err)
				}
				stored = 0
				for _, value := range data {
					stored += len(value)
				}
			}
			b.ReportMetric(float64(stored), "stored-bytes")
		})
	}
}

// BenchmarkRenderSharedManagedResourceData measures the gateway reconciler's share of the same shoot's rule change on
// the no-drain layout: the rules on the shared listeners (8443 and the legacy 8132) of a gateway that serves only
// this shoot, through envoyfilter.SharedDataCache as the reconciler keeps it, to the data of every secret of the
// gateway's shared ManagedResource. Every iteration is a rule change (the shoot's rules alternate between N CIDRs and
// the same plus one), so the shoot's group renders and the other groups come from the cache. Together with
// BenchmarkRenderManagedResourceData it is the rendering a rule change costs, comparable to the existing extension's
// single ManagedResource with its three EnvoyFilters.
func BenchmarkRenderSharedManagedResourceData(b *testing.B) {
	for _, entries := range []int{1, 50, 1000} {
		b.Run(fmt.Sprintf("entries=%d", entries), func(b *testing.B) {
			gateway := envoyfilter.Gateway{Namespace: "istio-ingress", Labels: map[string]string{"app": "istio-ingressgateway"}, LegacyVPNListenerPort: 8132}
			alwaysAllowed := []netip.Prefix{netip.MustParsePrefix("10.250.0.0/16"), netip.MustParsePrefix("100.64.0.0/13")}
			var rules [2][]envoyfilter.SharedShoot
			for i, config := range [][]byte{benchinput.ProviderConfig(entries), benchinput.ProviderConfig(entries + 1)} {
				validated := validation.EnforceProviderConfig(config, field.NewPath("spec", "providerConfig"), validation.Limits{MaxEntries: entries + 1, MaxCompiledPrefixes: 4 * (entries + 1)})
				if len(validated.Errors) > 0 {
					b.Fatal(validated.Errors.ToAggregate())
				}
				rules[i] = []envoyfilter.SharedShoot{envoyfilter.SharedShootOf(envoyfilter.Input{TechnicalID: "shoot--dev--bench", Policy: validated.Policy, AlwaysAllowed: alwaysAllowed})}
			}
			cache := &envoyfilter.SharedDataCache{}
			if _, err := cache.Data(gateway, rules[1]); err != nil {
				b.Fatal(err)
			}

			var stored, iteration int
			b.ReportAllocs()
			for b.Loop() {
				data, err := cache.Data(gateway, rules[iteration%2])
				if err != nil {
					b.Fatal(err)
				}
				iteration++
				stored = 0
				for _, groupData := range data {
					for _, value := range groupData {
						stored += len(value)
					}
				}
			}
			b.ReportMetric(float64(stored), "stored-bytes")
		})
	}
}
