// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"

	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	rbacnetworkv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	"sigs.k8s.io/yaml"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/policytest"
)

// dualStackInput is a representative shoot: dual-stack rules with a DENY exception, served by the default ingress
// gateway (with the legacy VPN listener and the seed's observability ingress) and a zonal one, with the wildcard
// endpoint host of the seed's ingress domain on the default gateway.
func dualStackInput() envoyfilter.Input {
	compiled, err := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP, Rules: []acl.Rule{
		{Action: acl.ActionAllow, CIDRs: []string{"203.0.113.0/24", "2001:db8:1::/48"}},
		{Action: acl.ActionDeny, CIDRs: []string{"203.0.113.128/25"}},
	}})
	Expect(err).NotTo(HaveOccurred())
	return envoyfilter.Input{
		TechnicalID:   "shoot--dev--dual",
		Policy:        compiled,
		AlwaysAllowed: []netip.Prefix{netip.MustParsePrefix("10.250.0.0/16"), netip.MustParsePrefix("100.64.0.0/13"), netip.MustParsePrefix("fd00:10::/64")},
		Gateways: []envoyfilter.Gateway{
			{
				Namespace:             "istio-ingress",
				Labels:                map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway"},
				Chains:                envoyfilter.ChainPerHost(envoyfilter.SNIListenerPort, "api.dual.dev.example.com", "api-dev--dual.ingress.seed.example.com", "api.dual.dev.internal.example.com"),
				LegacyVPNListenerPort: 8132,
				SharedSNIChains:       []string{"*.ingress.seed.example.com"},
			},
			{
				Namespace: "istio-ingress--zone-a",
				Labels:    map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway--zone--a"},
				Chains:    envoyfilter.ChainPerHost(envoyfilter.SNIListenerPort, "api.dual.dev.example.com"),
			},
		},
		SharedSNIHosts: []string{"p-dev--dual.ingress.seed.example.com", "gu-dev--dual.ingress.seed.example.com"},
	}
}

func renderYAML(input envoyfilter.Input) []byte {
	filters, err := envoyfilter.Render(input)
	Expect(err).NotTo(HaveOccurred())
	var out bytes.Buffer
	for _, filter := range filters {
		raw, err := yaml.Marshal(filter)
		Expect(err).NotTo(HaveOccurred())
		out.WriteString("---\n")
		out.Write(raw)
	}
	return out.Bytes()
}

var _ = Describe("Render", func() {
	It("renders the golden EnvoyFilters of a dual-stack shoot on two gateways", func() {
		actual := renderYAML(dualStackInput())
		path := filepath.Join("testdata", "golden", "dual-stack.yaml")
		if os.Getenv("UPDATE_GOLDEN") == "1" {
			Expect(os.WriteFile(path, actual, 0o644)).To(Succeed())
		}
		expected, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred(), "missing golden file: run UPDATE_GOLDEN=1 go test ./pkg/envoyfilter/")
		Expect(string(actual)).To(Equal(string(expected)))
	})

	DescribeTable("validates every patch value against Envoy's API", func(inline bool, defaultGateway, zonalGateway []int) {
		input := dualStackInput()
		for i := range input.Gateways {
			input.Gateways[i].InlineSharedListeners = inline
		}
		filters, err := envoyfilter.Render(input)
		Expect(err).NotTo(HaveOccurred())
		Expect(filters).To(HaveLen(2))

		for _, filter := range filters {
			networkFilters, httpFilters := 0, 0
			for _, inserted := range insertions(filter) {
				switch inserted.patch.ApplyTo {
				case istioapinetworkingv1alpha3.EnvoyFilter_NETWORK_FILTER:
					networkFilters++
					decodePatch(envoyfilter.NetworkRBACFilterName, inserted.value, &rbacnetworkv3.RBAC{})
				case istioapinetworkingv1alpha3.EnvoyFilter_HTTP_FILTER:
					httpFilters++
					decodePatch(envoyfilter.HTTPRBACFilterName, inserted.value, &rbachttpv3.RBAC{})
				default:
					Fail("unexpected patch target " + inserted.patch.ApplyTo.String())
				}
			}
			if filter.Namespace == "istio-ingress" {
				Expect([]int{networkFilters, httpFilters}).To(Equal(defaultGateway), "three hosts, and inline the observability chain, the shared and the legacy VPN listener")
			} else {
				Expect([]int{networkFilters, httpFilters}).To(Equal(zonalGateway))
			}
		}
	},
		Entry("shared listeners and chains left to the slots", false, []int{3, 0}, []int{1, 0}),
		Entry("shared listeners inline, before the gateway switched to the slots", true, []int{4, 2}, []int{1, 1}),
	)

	It("admits the compiled rules and the always-allowed sources, merged into the minimal prefix list", func() {
		input := dualStackInput()
		input.AlwaysAllowed = append(input.AlwaysAllowed, netip.MustParsePrefix("203.0.113.128/25"))
		filters, err := envoyfilter.Render(input)
		Expect(err).NotTo(HaveOccurred())

		network := &rbacnetworkv3.RBAC{}
		decodePatch(envoyfilter.NetworkRBACFilterName, insertions(filters[0])[0].value, network)
		var admitted []string
		for _, principal := range network.GetRules().GetPolicies()["acl-allowed-sources"].GetPrincipals() {
			admitted = append(admitted, fmt.Sprintf("%s/%d", principal.GetRemoteIp().GetAddressPrefix(), principal.GetRemoteIp().GetPrefixLen().GetValue()))
		}
		// The DENY exception is always allowed here (e.g. a seed network), so the /24 is whole again.
		Expect(admitted).To(Equal([]string{"10.250.0.0/16", "100.64.0.0/13", "203.0.113.0/24", "2001:db8:1::/48", "fd00:10::/64"}))
	})

	It("renders the same objects whatever the order of gateways and hosts", func() {
		input := dualStackInput()
		expected := renderYAML(input)

		reordered := dualStackInput()
		reordered.Gateways[0], reordered.Gateways[1] = reordered.Gateways[1], reordered.Gateways[0]
		chains := reordered.Gateways[1].Chains
		chains[0], chains[2] = chains[2], chains[0]
		reordered.Gateways[1].Chains = append(chains, chains[0])
		Expect(renderYAML(reordered)).To(Equal(expected))
	})

	It("leaves the shared observability chain alone when the shoot has no host on it", func() {
		input := dualStackInput()
		input.SharedSNIHosts = nil
		filters, err := envoyfilter.Render(input)
		Expect(err).NotTo(HaveOccurred())
		for _, patch := range filters[0].Spec.ConfigPatches {
			Expect(patch.Match.GetListener().GetFilterChain().GetSni()).NotTo(HavePrefix("*"))
		}
	})

	It("names the filters after the technical ID and selects the gateway workload", func() {
		filters, err := envoyfilter.Render(dualStackInput())
		Expect(err).NotTo(HaveOccurred())
		Expect(filters[1].Name).To(Equal("acl-shoot--dev--dual"))
		Expect(filters[1].Namespace).To(Equal("istio-ingress--zone-a"))
		Expect(filters[1].Spec.WorkloadSelector.Labels).To(Equal(map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway--zone--a"}))
		Expect(filters[1].Spec.ConfigPatches[0].Match.GetListener().GetFilterChain().GetSni()).To(Equal("api.dual.dev.example.com"))
		Expect(filters[1].Spec.ConfigPatches[0].Patch.Operation).To(Equal(istioapinetworkingv1alpha3.EnvoyFilter_Patch_INSERT_FIRST))
	})

	DescribeTable("refuses input it cannot render safely",
		func(mutate func(*envoyfilter.Input), message string) {
			input := dualStackInput()
			mutate(&input)
			_, err := envoyfilter.Render(input)
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("no technical ID", func(i *envoyfilter.Input) { i.TechnicalID = "" }, "the shoot has no technical ID"),
		Entry("no policy", func(i *envoyfilter.Input) { i.Policy = nil }, "no compiled policy"),
		Entry("a gateway namespace twice", func(i *envoyfilter.Input) { i.Gateways[1].Namespace = "istio-ingress" }, "gateway namespace istio-ingress is given twice"),
		Entry("a wildcard host of the shoot, which would restrict a chain other shoots share", func(i *envoyfilter.Input) {
			i.Gateways[1].Chains = append(i.Gateways[1].Chains, envoyfilter.ChainPerHost(envoyfilter.SNIListenerPort, "*.ingress.seed.example.com")...)
		}, `host "*.ingress.seed.example.com" of gateway namespace istio-ingress--zone-a is a wildcard`),
		Entry("a wildcard among the server names of a chain matched by an exact one", func(i *envoyfilter.Input) {
			i.Gateways[1].Chains = []envoyfilter.Chain{{Port: 9443, ServerNames: []string{"*.ingress.seed.example.com", "api.dual.dev.example.com"}, Match: "api.dual.dev.example.com"}}
		}, `host "*.ingress.seed.example.com" of gateway namespace istio-ingress--zone-a is a wildcard`),
		Entry("a chain matched by a name it does not serve", func(i *envoyfilter.Input) {
			i.Gateways[1].Chains = []envoyfilter.Chain{{Port: 9443, ServerNames: []string{"api.dual.dev.example.com"}, Match: "api.other.dev.example.com"}}
		}, `the match "api.other.dev.example.com" of a chain of gateway namespace istio-ingress--zone-a is none of its server names`),
	)
})

var _ = Describe("Destinations", func() {
	It("lists every destination value gardener's shared listeners route to the shoot, and nothing else", func() {
		Expect(envoyfilter.Destinations("shoot--dev--a")).To(Equal([]string{
			"outbound|443||kube-apiserver.shoot--dev--a.svc.cluster.local",
			"outbound|1194||vpn-seed-server.shoot--dev--a.svc.cluster.local",
			"outbound|1194||vpn-seed-server-0.shoot--dev--a.svc.cluster.local",
			"outbound|1194||vpn-seed-server-1.shoot--dev--a.svc.cluster.local",
			"outbound|1194||vpn-seed-server-2.shoot--dev--a.svc.cluster.local",
			"outbound|1194||vpn-seed-server-3.shoot--dev--a.svc.cluster.local",
			"outbound|1194||vpn-seed-server-4.shoot--dev--a.svc.cluster.local",
			"shoot--dev--a--kube-apiserver-socket",
		}))
	})
})
