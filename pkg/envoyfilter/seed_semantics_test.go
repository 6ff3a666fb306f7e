// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
	"github.com/gardener-community/gardener-extension-acl/test/policytest"
)

const observabilityChain = "*.ingress.seed.example.com"

// chainKey names a place in the gateway's configuration where filters are inserted: a filter chain of the SNI listener
// (by server name) or an HTTP listener (by port).
type chainKey struct {
	sni  string
	port uint32
}

// gatewayModel is what Envoy runs after every EnvoyFilter of the seed has been applied to one gateway: per chain, the
// RBAC filters inserted there. A connection or request passes a chain when every filter in it allows it.
type gatewayModel map[chainKey][]insertion

func (m gatewayModel) allowed(key chainKey, request envoyrbac.Request) bool {
	for _, in := range m[key] {
		if !allowedBy(in, request) {
			return false
		}
	}
	return true
}

// shadowAllowed is what the shadow rules and match trees of a chain decide for a request that passes it: false when a
// filter's shadow evaluation denies it, which Envoy counts as shadow_denied. audited is false when no filter of the
// chain evaluates anything in shadow.
func (m gatewayModel) shadowAllowed(key chainKey, request envoyrbac.Request) (allowed, audited bool) {
	allowed = true
	for _, in := range m[key] {
		shadow, audits := shadowAllowedBy(in, request)
		allowed, audited = allowed && shadow, audited || audits
	}
	return allowed, audited
}

// modelOf puts the filters the EnvoyFilters insert into the chains they are inserted into.
func modelOf(filters ...*istionetworkingv1alpha3.EnvoyFilter) gatewayModel {
	model := gatewayModel{}
	for _, inserted := range insertions(filters...) {
		listener := inserted.patch.Match.GetListener()
		key := chainKey{port: listener.GetPortNumber()}
		if inserted.patch.ApplyTo == istioapinetworkingv1alpha3.EnvoyFilter_NETWORK_FILTER {
			key = chainKey{sni: listener.GetFilterChain().GetSni()}
		}
		model[key] = append(model[key], inserted)
	}
	return model
}

// seedLayout renders the EnvoyFilters of a seed's shoots as the controller deploys them at one step of its lifecycle.
type seedLayout func(inputs []envoyfilter.Input) []*istionetworkingv1alpha3.EnvoyFilter

// inlineLayout is each shoot's Render with its own filters in the shared listeners, as before the switch to the slots.
func inlineLayout(inputs []envoyfilter.Input) []*istionetworkingv1alpha3.EnvoyFilter {
	var filters []*istionetworkingv1alpha3.EnvoyFilter
	for _, input := range inputs {
		input.Gateways = slices.Clone(input.Gateways)
		for i := range input.Gateways {
			input.Gateways[i].InlineSharedListeners = true
		}
		own, err := envoyfilter.Render(input)
		ExpectWithOffset(1, err).NotTo(HaveOccurred())
		filters = append(filters, own...)
	}
	return filters
}

// switchingLayout is the inline layout with the shared slots deployed too: the step between the two.
func switchingLayout(inputs []envoyfilter.Input) []*istionetworkingv1alpha3.EnvoyFilter {
	shared := envoyfilter.SharedGateways{}
	for _, input := range inputs {
		shared.Add(input)
	}
	slots, err := shared.Render()
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return append(inlineLayout(inputs), slots...)
}

// slotsLayout is RenderSeed: the shoots' own filters and the shared slots.
func slotsLayout(inputs []envoyfilter.Input) []*istionetworkingv1alpha3.EnvoyFilter {
	filters, err := envoyfilter.RenderSeed(nil, inputs...)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return filters
}

// seedShoot is one shoot of the modelled seed.
type seedShoot struct {
	id       string
	host     string
	obsHosts []string
	input    envoyfilter.Input
	admitted []netip.Prefix
}

func randomSeedShoot(rng *rand.Rand, index int, randomPrefix func() netip.Prefix) seedShoot {
	id := fmt.Sprintf("shoot--dev--s%d", index)
	compiled, err := policytest.Compile(randomConfig(rng, randomPrefix, 3))
	Expect(err).NotTo(HaveOccurred())
	shoot := seedShoot{
		id:       id,
		host:     fmt.Sprintf("api.s%d.dev.example.com", index),
		obsHosts: []string{fmt.Sprintf("gu-dev--s%d.ingress.seed.example.com", index), fmt.Sprintf("p-dev--s%d.ingress.seed.example.com", index)},
	}
	shoot.input = envoyfilter.Input{
		TechnicalID: id, Policy: compiled, AlwaysAllowed: []netip.Prefix{randomPrefix()},
		Gateways: []envoyfilter.Gateway{{
			Namespace: "istio-ingress", Labels: map[string]string{"app": "gw"}, Chains: envoyfilter.ChainPerHost(envoyfilter.SNIListenerPort, shoot.host),
			LegacyVPNListenerPort: 8132, SharedSNIChains: []string{observabilityChain},
		}},
		SharedSNIHosts: shoot.obsHosts,
	}
	shoot.admitted = envoyfilter.AllowedPrefixes(shoot.input)
	return shoot
}

var _ = Describe("What a seed's gateway admits with the filters of all its shoots applied", func() {
	DescribeTable("admits exactly each shoot's sources on each of its paths, whatever the other shoots' rules", func(layout seedLayout, sharedListenerFilters, sharedChainFilters func(shoots int) int) {
		rng := rand.New(rand.NewPCG(uint64(GinkgoRandomSeed()), 11))
		randomPrefix := randomPrefixes(rng)

		// Six random seeds per layout: each evaluates every request against all 64 slot filters of a listener.
		for iteration := range 6 {
			var shoots []seedShoot
			var inputs []envoyfilter.Input
			for index := range 4 {
				shoot := randomSeedShoot(rng, index, randomPrefix)
				// About half the shoots audit their rules, so that every layout holds both modes side by side.
				if rng.IntN(2) == 0 {
					shoot.input.Policy.Mode = acl.ModeAudit
				}
				shoots = append(shoots, shoot)
				inputs = append(inputs, shoot.input)
			}
			model := modelOf(layout(inputs)...)
			Expect(model[chainKey{sni: observabilityChain}]).To(HaveLen(sharedChainFilters(len(shoots))))
			Expect(model[chainKey{port: 8443}]).To(HaveLen(sharedListenerFilters(len(shoots))))
			Expect(model[chainKey{port: 8132}]).To(HaveLen(sharedListenerFilters(len(shoots))))

			var probes []netip.Addr
			for _, shoot := range shoots {
				for _, prefix := range shoot.admitted {
					probes = append(probes, prefix.Addr(), prefix.Addr().Prev(), lastAddress(prefix), lastAddress(prefix).Next())
				}
			}
			probes = slices.DeleteFunc(probes, func(addr netip.Addr) bool { return !addr.IsValid() })

			for _, shoot := range shoots {
				for _, addr := range probes {
					want := slices.ContainsFunc(shoot.admitted, func(p netip.Prefix) bool { return p.Contains(addr) })
					context := fmt.Sprintf("iteration %d, shoot %s (audited: %t), source %s", iteration, shoot.id, shoot.input.Policy.Audited(), addr)
					// An enforced shoot's paths admit exactly its sources and evaluate nothing in shadow; an audited
					// shoot's admit everybody, and their shadow evaluation decides what enforcing would.
					expectVerdict := func(key chainKey, request envoyrbac.Request, path string) {
						shadow, audited := model.shadowAllowed(key, request)
						if shoot.input.Policy.Audited() {
							ExpectWithOffset(1, model.allowed(key, request)).To(BeTrue(), "%s refuses in Audit: %s", path, context)
							ExpectWithOffset(1, audited).To(BeTrue(), "%s audits nothing: %s", path, context)
							ExpectWithOffset(1, shadow).To(Equal(want), "%s shadow: %s", path, context)
							return
						}
						ExpectWithOffset(1, model.allowed(key, request)).To(Equal(want), "%s: %s", path, context)
						ExpectWithOffset(1, shadow).To(BeTrue(), "%s is shadow-denied by another shoot's audit: %s", path, context)
					}

					expectVerdict(chainKey{sni: shoot.host}, envoyrbac.Request{RemoteIP: addr, ServerName: shoot.host}, "own SNI chain")
					for _, host := range shoot.obsHosts {
						expectVerdict(chainKey{sni: observabilityChain}, envoyrbac.Request{RemoteIP: addr, ServerName: host}, "observability host "+host)
						// Envoy selects the chain by the server name in lower case, and the filters see it as sent.
						mixedCase := strings.ToUpper(host[:1]) + host[1:]
						expectVerdict(chainKey{sni: observabilityChain}, envoyrbac.Request{RemoteIP: addr, ServerName: mixedCase}, "observability host "+mixedCase)
					}
					for _, destination := range envoyfilter.Destinations(shoot.id) {
						expectVerdict(chainKey{port: 8443}, envoyrbac.Request{RemoteIP: addr, Headers: map[string][]string{"X-Gardener-Destination": {destination}}}, "destination "+destination)
						expectVerdict(chainKey{port: 8132}, envoyrbac.Request{RemoteIP: addr, Headers: map[string][]string{"Reversed-VPN": {destination}}}, "legacy VPN destination "+destination)
					}
				}
			}
			// Traffic of no shoot (the seed's own plutono, a destination of a shoot without the extension) passes.
			for _, addr := range probes {
				Expect(model.allowed(chainKey{sni: observabilityChain}, envoyrbac.Request{RemoteIP: addr, ServerName: "plutono.ingress.seed.example.com"})).To(BeTrue())
				Expect(model.allowed(chainKey{sni: observabilityChain}, envoyrbac.Request{RemoteIP: addr, ServerName: "Plutono.ingress.seed.example.com"})).To(BeTrue())
				Expect(model.allowed(chainKey{port: 8443}, envoyrbac.Request{RemoteIP: addr, Headers: map[string][]string{"X-Gardener-Destination": envoyfilter.Destinations("shoot--dev--free")[:1]}})).To(BeTrue())
			}
		}
	},
		Entry("each shoot's own filters in the shared listeners and chain (before the switch)", seedLayout(inlineLayout),
			func(shoots int) int { return shoots }, func(shoots int) int { return shoots }),
		Entry("own filters and the shared slots (while switching)", seedLayout(switchingLayout),
			func(shoots int) int { return shoots + len(envoyfilter.SharedSlots()) }, func(shoots int) int { return shoots + envoyfilter.SharedSNIShards }),
		Entry("the shared slots (RenderSeed)", seedLayout(slotsLayout),
			func(int) int { return len(envoyfilter.SharedSlots()) }, func(int) int { return envoyfilter.SharedSNIShards }),
	)
})
