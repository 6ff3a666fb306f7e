// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	rbacnetworkv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/proto"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	"sigs.k8s.io/yaml"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
)

// sharedShoots returns n ACL shoots with entries admitted IPv4 /24 ranges each plus six always-allowed ranges.
func sharedShoots(n, entries int) []envoyfilter.SharedShoot {
	shoots := make([]envoyfilter.SharedShoot, 0, n)
	for i := range n {
		shoot := envoyfilter.SharedShoot{TechnicalID: fmt.Sprintf("shoot--project%d--shoot%d", i%50, i), PrincipalType: acl.PrincipalTypeRemoteIP}
		for e := range entries {
			shoot.Allowed = append(shoot.Allowed, netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(11 + e/256), byte(e % 256), byte(i % 256), 0}), 24))
		}
		for _, always := range []string{"10.1.0.0/16", "10.250.0.0/16", "100.64.0.0/12", "172.16.0.0/12", "198.51.100.10/32", "2001:db8::/64"} {
			shoot.Allowed = append(shoot.Allowed, netip.MustParsePrefix(always))
		}
		shoots = append(shoots, shoot)
	}
	return shoots
}

// configOf decodes the HTTP RBAC configuration an EnvoyFilter of RenderShared holds as EXTENSION_CONFIG.
func configOf(filter *istionetworkingv1alpha3.EnvoyFilter) *rbachttpv3.RBAC {
	return extensionConfigOf(filter, &rbachttpv3.RBAC{})
}

// networkConfigOf decodes the network RBAC configuration an EnvoyFilter of RenderShared holds as EXTENSION_CONFIG.
func networkConfigOf(filter *istionetworkingv1alpha3.EnvoyFilter) *rbacnetworkv3.RBAC {
	return extensionConfigOf(filter, &rbacnetworkv3.RBAC{})
}

// extensionConfigOf decodes into config the one EXTENSION_CONFIG an EnvoyFilter holds.
func extensionConfigOf[T proto.Message](filter *istionetworkingv1alpha3.EnvoyFilter, config T) T {
	ExpectWithOffset(2, filter.Spec.ConfigPatches).To(HaveLen(1))
	patch := filter.Spec.ConfigPatches[0]
	ExpectWithOffset(2, patch.ApplyTo).To(Equal(istioapinetworkingv1alpha3.EnvoyFilter_EXTENSION_CONFIG))
	decodePatch(filter.Name, patch.Patch.Value.AsMap(), config)
	return config
}

// fullestShard returns the shoots of the shard, by the given hash, that holds the most of them.
func fullestShard(shoots []envoyfilter.SharedShoot, shard func(technicalID string) int) []envoyfilter.SharedShoot {
	byShard := map[int][]envoyfilter.SharedShoot{}
	var fullest []envoyfilter.SharedShoot
	for _, shoot := range shoots {
		k := shard(shoot.TechnicalID)
		byShard[k] = append(byShard[k], shoot)
		if len(byShard[k]) > len(fullest) {
			fullest = byShard[k]
		}
	}
	return fullest
}

// maxObjectBytes is the largest object etcd stores (1.5 MiB); the API server stores custom resources as JSON.
const maxObjectBytes = 1536 * 1024

var _ = Describe("RenderShared", func() {
	gateway := envoyfilter.Gateway{Namespace: "istio-ingress", Labels: map[string]string{"app": "istio-ingressgateway"}, LegacyVPNListenerPort: 8132}

	It("inserts the same filters into the shared listeners whatever the shoots and their rules", func() {
		render := func(shoots []envoyfilter.SharedShoot) []byte {
			filters, err := envoyfilter.RenderShared(gateway, shoots)
			Expect(err).NotTo(HaveOccurred())
			Expect(filters[0].Name).To(Equal(envoyfilter.SharedFiltersName))
			raw, err := yaml.Marshal(filters[0])
			Expect(err).NotTo(HaveOccurred())
			return raw
		}
		none := render(nil)
		Expect(render(sharedShoots(3, 2))).To(Equal(none))
		changed := sharedShoots(3, 2)
		changed[1].Allowed = changed[1].Allowed[1:]
		Expect(render(changed)).To(Equal(none))
		Expect(render(sharedShoots(40, 1))).To(Equal(none))

		filters, err := envoyfilter.RenderShared(gateway, nil)
		Expect(err).NotTo(HaveOccurred())
		slots := len(envoyfilter.SharedSlots())
		Expect(slots).To(Equal(len(envoyfilter.Destinations("x")) * envoyfilter.SharedListenerShards))
		Expect(filters).To(HaveLen(1+2*slots), "the insertions, and per listener a configuration for each slot")
		Expect(filters[0].Spec.ConfigPatches).To(HaveLen(2 * slots))
		for _, patch := range filters[0].Spec.ConfigPatches {
			Expect(patch.ApplyTo).To(Equal(istioapinetworkingv1alpha3.EnvoyFilter_HTTP_FILTER))
			Expect(patch.Patch.Value.AsMap()).To(HaveKey("config_discovery"))
			Expect(patch.Patch.Value.AsMap()).NotTo(HaveKey("typed_config"))
		}
	})

	It("puts each shoot into its shard's configurations, one per destination form, and an empty slot allows everything", func() {
		shoots := sharedShoots(5, 1)
		filters, err := envoyfilter.RenderShared(gateway, shoots)
		Expect(err).NotTo(HaveOccurred())
		byName := map[string]*istionetworkingv1alpha3.EnvoyFilter{}
		for _, filter := range filters[1:] {
			byName[filter.Name] = filter
		}
		foreign := envoyrbac.Request{RemoteIP: netip.MustParseAddr("203.0.113.1")}
		for _, shoot := range shoots {
			for _, listener := range []struct {
				port   uint32
				header string
			}{{8443, envoyfilter.HTTPProxyDestinationHeader}, {8132, envoyfilter.LegacyVPNDestinationHeader}} {
				for form, destination := range envoyfilter.Destinations(shoot.TechnicalID) {
					request := foreign
					request.Headers = map[string][]string{listener.header: {destination}}
					for _, slot := range envoyfilter.SharedSlots() {
						filter := byName[envoyfilter.SharedFilterName(listener.port, slot)]
						Expect(filter).NotTo(BeNil())
						allowed, err := envoyrbac.MatcherAllowed(configOf(filter).GetMatcher(), request)
						Expect(err).NotTo(HaveOccurred())
						own := slot.Shard == envoyfilter.Shard(shoot.TechnicalID) && slot.Form == form
						Expect(allowed).To(Equal(!own), "shoot %s, destination %s, slot %v of %d", shoot.TechnicalID, destination, slot, listener.port)
					}
				}
			}
		}
	})

	It("stays within the API server's object size at 1000 ACL shoots with 50 entries on one gateway", func() {
		// A slot object holds its shard's shoots only: rendering the shard with the most shoots gives the gateway's
		// largest objects (up to the lengths of the shoots' names) at a fraction of the work (this suite also runs under
		// the race detector).
		filters, err := envoyfilter.RenderShared(gateway, fullestShard(sharedShoots(1000, 50), envoyfilter.Shard))
		Expect(err).NotTo(HaveOccurred())
		largest := 0
		for _, filter := range filters {
			raw, err := json.Marshal(filter)
			Expect(err).NotTo(HaveOccurred())
			largest = max(largest, len(raw))
		}
		AddReportEntry("shared filters at 1000 shoots x 50 entries, one gateway with 8443 and 8132", fmt.Sprintf("largest %d bytes", largest))
		// etcd refuses objects above 1.5 MiB; the API server's request limit is 3 MiB.
		Expect(largest).To(BeNumerically("<", maxObjectBytes))
	})

	It("holds several shoots at the largest rules the webhook admits in one object", func() {
		// The longest ranges in JSON: IPv6 /64s, as many as the rules may compile to.
		shoot := envoyfilter.SharedShoot{TechnicalID: "shoot--project--largest", PrincipalType: acl.PrincipalTypeRemoteIP}
		for i := range validation.DefaultMaxCompiledPrefixes {
			shoot.Allowed = append(shoot.Allowed, netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(i >> 8), byte(i), 0xab, 0xcd}), 64))
		}
		filters, err := envoyfilter.RenderShared(gateway, []envoyfilter.SharedShoot{shoot})
		Expect(err).NotTo(HaveOccurred())
		largest := 0
		for _, filter := range filters[1:] {
			raw, err := json.Marshal(filter)
			Expect(err).NotTo(HaveOccurred())
			largest = max(largest, len(raw))
		}
		AddReportEntry("one shoot at the largest rules", fmt.Sprintf("%d compiled IPv6 prefixes: largest object %d bytes", validation.DefaultMaxCompiledPrefixes, largest))
		Expect(largest).To(BeNumerically("<", maxObjectBytes/4))
	})
})

// withObservabilityHosts gives each shoot the hosts gardener gives its observability Ingresses under the seed's
// ingress domain (plutono, prometheus, alertmanager, vali).
func withObservabilityHosts(shoots []envoyfilter.SharedShoot) []envoyfilter.SharedShoot {
	for i := range shoots {
		short := strings.TrimPrefix(shoots[i].TechnicalID, "shoot--")
		for _, prefix := range []string{"au", "gu", "p", "v"} {
			shoots[i].SNIHosts = append(shoots[i].SNIHosts, prefix+"-"+short+".ingress.seed.example.com")
		}
	}
	return shoots
}

var _ = Describe("RenderShared on a gateway with the seed's nginx wildcard chain", func() {
	const wildcard = "*.ingress.seed.example.com"
	gateway := envoyfilter.Gateway{Namespace: "istio-ingress", Labels: map[string]string{"app": "istio-ingressgateway"}, SharedSNIChains: []string{wildcard}}

	It("inserts one filter per shard into the chain, the same whatever the shoots, their hosts and their rules", func() {
		insertionsOf := func(shoots []envoyfilter.SharedShoot) []byte {
			filters, err := envoyfilter.RenderShared(gateway, shoots)
			Expect(err).NotTo(HaveOccurred())
			raw, err := yaml.Marshal(filters[0])
			Expect(err).NotTo(HaveOccurred())
			return raw
		}
		none := insertionsOf(nil)
		Expect(insertionsOf(withObservabilityHosts(sharedShoots(3, 2)))).To(Equal(none))
		Expect(insertionsOf(withObservabilityHosts(sharedShoots(40, 1)))).To(Equal(none))

		filters, err := envoyfilter.RenderShared(gateway, nil)
		Expect(err).NotTo(HaveOccurred())
		var chainFilters []string
		for _, patch := range filters[0].Spec.ConfigPatches {
			if patch.ApplyTo != istioapinetworkingv1alpha3.EnvoyFilter_NETWORK_FILTER {
				continue
			}
			Expect(patch.Match.GetListener().GetPortNumber()).To(Equal(uint32(envoyfilter.SNIListenerPort)))
			Expect(patch.Match.GetListener().GetFilterChain().GetSni()).To(Equal(wildcard))
			Expect(patch.Patch.Value.AsMap()).To(HaveKey("config_discovery"))
			Expect(patch.Patch.Value.AsMap()).NotTo(HaveKey("typed_config"))
			chainFilters = append(chainFilters, patch.Patch.Value.AsMap()["name"].(string))
		}
		var expected []string
		for shard := range envoyfilter.SharedSNIShards {
			expected = append(expected, envoyfilter.SharedSNIFilterName(shard))
		}
		Expect(chainFilters).To(Equal(expected))
		Expect(filters).To(HaveLen(1 + len(envoyfilter.SharedSlots()) + envoyfilter.SharedSNIShards))
	})

	It("refuses a shoot's hosts, in any letter case, to sources it does not admit, in its shard's filter only, and passes every other server name", func() {
		shoots := withObservabilityHosts(sharedShoots(6, 1))
		filters, err := envoyfilter.RenderShared(gateway, shoots)
		Expect(err).NotTo(HaveOccurred())
		byName := map[string]*rbacnetworkv3.RBAC{}
		for _, filter := range filters[1:] {
			if strings.Contains(filter.Name, "-sni-") {
				byName[filter.Name] = networkConfigOf(filter)
			}
		}
		Expect(byName).To(HaveLen(envoyfilter.SharedSNIShards))
		decide := func(shard int, request envoyrbac.Request) bool {
			allowed, err := envoyrbac.MatcherAllowed(byName[envoyfilter.SharedSNIFilterName(shard)].GetMatcher(), request)
			Expect(err).NotTo(HaveOccurred())
			return allowed
		}
		foreign, admitted := netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("10.250.0.1")
		for _, shoot := range shoots {
			for _, host := range shoot.SNIHosts {
				for _, name := range []string{host, strings.ToUpper(host), strings.ToUpper(host[:1]) + host[1:]} {
					for shard := range envoyfilter.SharedSNIShards {
						own := shard == envoyfilter.SNIShard(shoot.TechnicalID)
						Expect(decide(shard, envoyrbac.Request{RemoteIP: foreign, ServerName: name})).To(Equal(!own), "%s from outside, shard %d", name, shard)
						Expect(decide(shard, envoyrbac.Request{RemoteIP: admitted, ServerName: name})).To(BeTrue(), "%s from an admitted source, shard %d", name, shard)
					}
				}
			}
		}
		for shard := range envoyfilter.SharedSNIShards {
			for _, name := range []string{"plutono.ingress.seed.example.com", "Plutono.ingress.seed.example.com", "gu-project0--shoot0.ingress.seed.example.com.evil", ""} {
				Expect(decide(shard, envoyrbac.Request{RemoteIP: foreign, ServerName: name})).To(BeTrue(), "%q is no ACL shoot's host", name)
			}
		}
	})

	It("refuses hosts that are not lower case and hosts given twice instead of leaving them unprotected", func() {
		shoots := withObservabilityHosts(sharedShoots(2, 1))
		shoots[0].SNIHosts = []string{"GU-x.ingress.seed.example.com"}
		_, err := envoyfilter.SharedSNIMatcher(shoots[:1])
		Expect(err).To(MatchError(ContainSubstring("not lower case")))
		shoots = withObservabilityHosts(sharedShoots(2, 1))
		shoots[1].SNIHosts = shoots[0].SNIHosts
		_, err = envoyfilter.SharedSNIMatcher(shoots)
		Expect(err).To(MatchError(ContainSubstring("given twice")))
	})

	It("stays within the API server's object size at 1000 ACL shoots with 50 entries and four hosts each", func() {
		filters, err := envoyfilter.RenderShared(gateway, fullestShard(withObservabilityHosts(sharedShoots(1000, 50)), envoyfilter.SNIShard))
		Expect(err).NotTo(HaveOccurred())
		largest := 0
		for _, filter := range filters {
			if !strings.Contains(filter.Name, "-sni-") {
				continue
			}
			raw, err := json.Marshal(filter)
			Expect(err).NotTo(HaveOccurred())
			largest = max(largest, len(raw))
		}
		AddReportEntry("shared SNI chain filters at 1000 shoots x 50 entries x 4 hosts", fmt.Sprintf("largest %d bytes", largest))
		Expect(largest).To(BeNumerically("<", maxObjectBytes))
	})
})

var _ = Describe("SlotFilters", func() {
	It("names the shard's chain filter only on a gateway with shared SNI chains", func() {
		plain := envoyfilter.Gateway{Namespace: "istio-ingress"}
		Expect(envoyfilter.SlotFilters(plain, "shoot--dev--a")).To(Equal([]string{envoyfilter.SharedFiltersName}))
		withChain := envoyfilter.Gateway{Namespace: "istio-ingress", SharedSNIChains: []string{"*.ingress.seed.example.com"}}
		Expect(envoyfilter.SlotFilters(withChain, "shoot--dev--a")).To(Equal([]string{envoyfilter.SharedFiltersName, envoyfilter.SharedSNIFilterName(envoyfilter.SNIShard("shoot--dev--a"))}))
	})
})
