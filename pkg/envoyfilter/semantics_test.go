// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"

	rbacnetworkv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
	"github.com/gardener-community/gardener-extension-acl/test/policytest"
)

var _ = Describe("What the rendered filters admit", func() {
	It("admits exactly the compiled rules and the always-allowed sources for the shoot, and never blocks another shoot", func() {
		rng := rand.New(rand.NewPCG(uint64(GinkgoRandomSeed()), 7))
		randomPrefix := randomPrefixes(rng)

		for iteration := range 60 {
			config := randomConfig(rng, randomPrefix, 4)
			compiled, err := policytest.Compile(config)
			Expect(err).NotTo(HaveOccurred())
			input := envoyfilter.Input{
				TechnicalID: "shoot--dev--prop", Policy: compiled,
				AlwaysAllowed: []netip.Prefix{randomPrefix(), randomPrefix()},
				Gateways: []envoyfilter.Gateway{{
					Namespace: "istio-ingress", Labels: map[string]string{"app": "gw"}, Chains: envoyfilter.ChainPerHost(envoyfilter.SNIListenerPort, "api.prop.example.com"),
					SharedSNIChains: []string{"*.ingress.seed.example.com"},
				}},
				SharedSNIHosts: []string{"gu-dev--prop.ingress.seed.example.com", "p-dev--prop.ingress.seed.example.com"},
			}
			filters, err := envoyfilter.RenderSeed(nil, input)
			Expect(err).NotTo(HaveOccurred())
			admitted := envoyfilter.AllowedPrefixes(input)

			// The shared listeners and the shared observability chain, each with every filter the seed inserts there.
			network, shared := &rbacnetworkv3.RBAC{}, gatewayModel{}
			sharedChain := chainKey{sni: "*.ingress.seed.example.com"}
			for _, inserted := range insertions(filters...) {
				switch patch := inserted.patch; {
				case patch.ApplyTo != istioapinetworkingv1alpha3.EnvoyFilter_NETWORK_FILTER:
					key := chainKey{port: patch.Match.GetListener().GetPortNumber()}
					shared[key] = append(shared[key], inserted)
				case patch.Match.GetListener().GetFilterChain().GetSni() == sharedChain.sni:
					shared[sharedChain] = append(shared[sharedChain], inserted)
				default:
					decodePatch(envoyfilter.NetworkRBACFilterName, inserted.value, network)
				}
			}
			Expect(shared[sharedChain]).NotTo(BeEmpty(), "the observability chain has filters")

			var probes []netip.Addr
			for _, prefix := range append(slices.Clone(admitted), randomPrefix(), randomPrefix()) {
				probes = append(probes, prefix.Addr(), prefix.Addr().Prev(), lastAddress(prefix), lastAddress(prefix).Next())
			}
			// The same IPv4 sources written as IPv4-mapped IPv6 addresses, as PROXY protocol or X-Forwarded-For may
			// carry them: never admitted, not even when an IPv6 range such as ::/0 (DENY-only rules) is.
			for _, addr := range slices.Clone(probes) {
				if addr.Is4() {
					probes = append(probes, netip.AddrFrom16(addr.As16()))
				}
			}
			for _, addr := range probes {
				if !addr.IsValid() {
					continue
				}
				want := !addr.Is4In6() && slices.ContainsFunc(admitted, func(p netip.Prefix) bool { return p.Contains(addr) })
				context := fmt.Sprintf("iteration %d, source %s, rules %+v", iteration, addr, config.Rules)

				allowed, err := envoyrbac.Allowed(network.GetRules(), envoyrbac.Request{RemoteIP: addr})
				Expect(err).NotTo(HaveOccurred())
				Expect(allowed).To(Equal(want), "SNI chain: "+context)

				for _, host := range []string{"gu-dev--prop.ingress.seed.example.com", "P-DEV--PROP.ingress.seed.example.com"} {
					allowed = shared.allowed(sharedChain, envoyrbac.Request{RemoteIP: addr, ServerName: host})
					Expect(allowed).To(Equal(want), "own observability host %s: %s", host, context)
				}
				for _, host := range []string{"gu-dev--prop2.ingress.seed.example.com", "gu-dev--pro.ingress.seed.example.com", "x-gu-dev--prop.ingress.seed.example.com", "plutono.ingress.seed.example.com", ""} {
					allowed = shared.allowed(sharedChain, envoyrbac.Request{RemoteIP: addr, ServerName: host})
					Expect(allowed).To(BeTrue(), "another host %q on the shared chain must never be blocked: %s", host, context)
				}

				for _, destination := range envoyfilter.Destinations("shoot--dev--prop") {
					allowed = shared.allowed(chainKey{port: envoyfilter.HTTPProxyListenerPort}, envoyrbac.Request{RemoteIP: addr, Headers: map[string][]string{"X-Gardener-Destination": {destination}}})
					Expect(allowed).To(Equal(want), "own destination %s: %s", destination, context)
				}
				for _, destination := range append(envoyfilter.Destinations("shoot--dev--prop2"), "shoot--dev--pro--kube-apiserver-socket", "") {
					allowed = shared.allowed(chainKey{port: envoyfilter.HTTPProxyListenerPort}, envoyrbac.Request{RemoteIP: addr, Headers: map[string][]string{"X-Gardener-Destination": {destination}}})
					Expect(allowed).To(BeTrue(), "another shoot's destination %q must never be blocked: %s", destination, context)
				}
			}
		}
	})
})

// randomPrefixes returns a generator of prefixes of both families within small address ranges, so that random rule
// sets overlap each other and the always-allowed sources.
func randomPrefixes(rng *rand.Rand) func() netip.Prefix {
	return func() netip.Prefix {
		if rng.IntN(3) == 0 {
			return netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, byte(rng.IntN(4)), 0, 0, 0, 0, 0, 0, 0, 0, 0, byte(rng.IntN(256))}), 100+rng.IntN(29)).Masked()
		}
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(rng.IntN(4)), byte(rng.IntN(256)), byte(rng.IntN(256))}), 12+rng.IntN(21)).Masked()
	}
}

// randomConfig returns one to maxRules rules of one to five entries each, about half of them DENY rules.
func randomConfig(rng *rand.Rand, randomPrefix func() netip.Prefix, maxRules int) *acl.ACLConfig {
	config := &acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP}
	for range 1 + rng.IntN(maxRules) {
		rule := acl.Rule{Action: acl.ActionAllow}
		if rng.IntN(2) == 0 {
			rule.Action = acl.ActionDeny
		}
		for range 1 + rng.IntN(5) {
			rule.CIDRs = append(rule.CIDRs, randomPrefix().String())
		}
		config.Rules = append(config.Rules, rule)
	}
	return config
}

func lastAddress(prefix netip.Prefix) netip.Addr {
	bytes := prefix.Addr().AsSlice()
	for bit := prefix.Bits(); bit < len(bytes)*8; bit++ {
		bytes[bit/8] |= 0x80 >> (bit % 8)
	}
	addr, _ := netip.AddrFromSlice(bytes)
	return addr
}
