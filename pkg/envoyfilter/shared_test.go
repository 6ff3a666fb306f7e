// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	xdsmatcherv3 "github.com/cncf/xds/go/xds/type/matcher/v3"
	rbacconfigv3 "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	rbachttpv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/proto"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/envoyrbac"
	"github.com/gardener-community/gardener-extension-acl/test/policytest"
)

// gardenerRouteRegexp is the header match of the CONNECT routes of gardener v1.150.0's shared listeners
// (pkg/component/networking/istio/charts/istio/istio-ingress/templates/http-proxy-envoy-filter.yaml and
// vpn-envoy-filter.yaml), which Envoy applies to the header's values joined by ",".
var gardenerRouteRegexp = regexp.MustCompile(`^(outbound\|(1194\|\|vpn-seed-server(-[0-4])?|443\|\|kube-apiserver)\..*\.svc\.cluster\.local|(shoot-[a-z0-9]+(-[a-z0-9]+)*|shoot--[a-z0-9]+(-[a-z0-9]+)*--[a-z0-9]+(-[a-z0-9]+)*)--kube-apiserver-socket)$`)

// reachesAControlPlane reports whether a request with these destination header values reaches a control plane of
// the given namespaces: gardener's route admits the joined values, and its cluster_header names the cluster by the
// first value, which must be one of the namespaces' destinations.
func reachesAControlPlane(values []string, namespaces []string) bool {
	if values == nil || !gardenerRouteRegexp.MatchString(strings.Join(values, ",")) {
		return false
	}
	for _, namespace := range namespaces {
		if slices.Contains(envoyfilter.Destinations(namespace), values[0]) {
			return true
		}
	}
	return false
}

var _ = Describe("SharedListenerMatcher", func() {
	It("decides with the matchers of all destination forms every routed request as the shoots' inline shared-listener filters together do, and no other more permissively", func() {
		rng := rand.New(rand.NewPCG(uint64(GinkgoRandomSeed()), 13))
		randomPrefix := randomPrefixes(rng)
		principalTypes := []acl.PrincipalType{acl.PrincipalTypeRemoteIP, acl.PrincipalTypeDirectRemoteIP, acl.PrincipalTypeSourceIP}

		for iteration := range 20 {
			// IDs that prefix each other (s1, s10, s100): a shoot's destination must never select another's check.
			var shoots []envoyfilter.SharedShoot
			var inline []*rbacconfigv3.RBAC
			for _, id := range []string{"shoot--dev--s1", "shoot--dev--s10", "shoot--dev--s100", "shoot--dev--t"}[:1+rng.IntN(4)] {
				config := randomConfig(rng, randomPrefix, 3)
				config.Type = principalTypes[rng.IntN(len(principalTypes))]
				compiled, err := policytest.Compile(config)
				Expect(err).NotTo(HaveOccurred())
				input := envoyfilter.Input{TechnicalID: id, Policy: compiled, AlwaysAllowed: []netip.Prefix{randomPrefix()}}
				shoot := envoyfilter.SharedShoot{TechnicalID: id, PrincipalType: config.Type, Allowed: envoyfilter.AllowedPrefixes(input)}
				shoots = append(shoots, shoot)
				filter, err := envoyfilter.SharedListenerRBAC("acl_"+id+"_", envoyfilter.HTTPProxyDestinationHeader, envoyfilter.Destinations(id), shoot.PrincipalType, shoot.Allowed)
				Expect(err).NotTo(HaveOccurred())
				inline = append(inline, filter.GetRules())
			}
			var matchers []*xdsmatcherv3.Matcher
			for form := range envoyfilter.Destinations("") {
				matcher, err := envoyfilter.SharedListenerMatcher(envoyfilter.HTTPProxyDestinationHeader, form, shoots)
				Expect(err).NotTo(HaveOccurred())
				matchers = append(matchers, matcher)
			}

			var probes []netip.Addr
			for _, shoot := range shoots {
				for _, prefix := range shoot.Allowed {
					probes = append(probes, prefix.Addr(), prefix.Addr().Prev(), lastAddress(prefix), lastAddress(prefix).Next())
				}
			}
			probes = slices.DeleteFunc(probes, func(addr netip.Addr) bool { return !addr.IsValid() })
			for _, addr := range slices.Clone(probes) {
				if addr.Is4() {
					probes = append(probes, netip.AddrFrom16(addr.As16()))
				}
			}

			var values [][]string
			namespaces := []string{"shoot--dev--s1", "shoot--dev--s10", "shoot--dev--s100", "shoot--dev--t", "shoot--dev--free"}
			for _, id := range namespaces {
				for _, destination := range envoyfilter.Destinations(id) {
					values = append(values, []string{destination}, []string{destination, "x"}, []string{"x", destination}, []string{destination + "x"}, []string{destination + ",x"})
				}
			}
			// Two destinations: gardener's route admits the joined value, and the first one names the shoot.
			for range 20 {
				first, second := values[rng.IntN(len(values))], values[rng.IntN(len(values))]
				values = append(values, []string{first[0], second[0]})
			}
			values = append(values, nil, []string{""}, []string{","})

			for _, addr := range probes {
				other := probes[rng.IntN(len(probes))]
				// A sample of the header values per source keeps the run short; the seeds vary over runs.
				for range 24 {
					value := values[rng.IntN(len(values))]
					// The rules of each shoot name one address kind; the request carries different addresses for them.
					request := envoyrbac.Request{RemoteIP: addr, ConnectionRemoteIP: addr, DirectRemoteIP: other}
					if value != nil {
						request.Headers = map[string][]string{envoyfilter.HTTPProxyDestinationHeader: value}
					}
					want := true
					for _, rules := range inline {
						allowed, err := envoyrbac.Allowed(rules, request)
						Expect(err).NotTo(HaveOccurred())
						want = want && allowed
					}
					got := true
					for _, matcher := range matchers {
						allowed, err := envoyrbac.MatcherAllowed(matcher, request)
						Expect(err).NotTo(HaveOccurred())
						got = got && allowed
					}
					if reachesAControlPlane(value, namespaces) {
						Expect(got).To(Equal(want), "iteration %d, source %s (direct %s), header %q", iteration, addr, other, value)
					} else if got {
						// A request that reaches no control plane is redirected or finds no cluster; the matcher may refuse
						// it where the inline filters do not.
						Expect(want).To(BeTrue(), "iteration %d, source %s (direct %s), header %q", iteration, addr, other, value)
					}
				}
			}
		}
	})

	It("gives each shoot one shard, the same on every call", func() {
		counts := make([]int, envoyfilter.SharedListenerShards)
		for i := range 100 * envoyfilter.SharedListenerShards {
			shard := envoyfilter.Shard(fmt.Sprintf("shoot--project%d--shoot%d", i%97, i))
			Expect(shard).To(Equal(envoyfilter.Shard(fmt.Sprintf("shoot--project%d--shoot%d", i%97, i))))
			counts[shard]++
		}
		// 100 shoots per shard on average; FNV spreads them within a few dozen.
		Expect(slices.Min(counts)).To(BeNumerically(">", 60))
		Expect(slices.Max(counts)).To(BeNumerically("<", 140))
	})

	It("refuses the same destination twice instead of letting one shoot's rules hide another's", func() {
		shoot := envoyfilter.SharedShoot{TechnicalID: "shoot--dev--a", PrincipalType: acl.PrincipalTypeRemoteIP}
		_, err := envoyfilter.SharedListenerMatcher(envoyfilter.HTTPProxyDestinationHeader, 0, []envoyfilter.SharedShoot{shoot, shoot})
		Expect(err).To(MatchError(ContainSubstring("given twice")))
		_, err = envoyfilter.SharedListenerMatcher(envoyfilter.HTTPProxyDestinationHeader, len(envoyfilter.Destinations("")), []envoyfilter.SharedShoot{shoot})
		Expect(err).To(MatchError(ContainSubstring("no destination form")))
	})

	It("is the same bytes whatever the order of the shoots", func() {
		a := envoyfilter.SharedShoot{TechnicalID: "shoot--dev--a", PrincipalType: acl.PrincipalTypeRemoteIP, Allowed: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
		b := envoyfilter.SharedShoot{TechnicalID: "shoot--dev--b", PrincipalType: acl.PrincipalTypeRemoteIP}
		first, err := envoyfilter.SharedListenerMatcher(envoyfilter.HTTPProxyDestinationHeader, 0, []envoyfilter.SharedShoot{a, b})
		Expect(err).NotTo(HaveOccurred())
		second, err := envoyfilter.SharedListenerMatcher(envoyfilter.HTTPProxyDestinationHeader, 0, []envoyfilter.SharedShoot{b, a})
		Expect(err).NotTo(HaveOccurred())
		firstBytes, err := proto.MarshalOptions{Deterministic: true}.Marshal(&rbachttpv3.RBAC{Matcher: first})
		Expect(err).NotTo(HaveOccurred())
		secondBytes, err := proto.MarshalOptions{Deterministic: true}.Marshal(&rbachttpv3.RBAC{Matcher: second})
		Expect(err).NotTo(HaveOccurred())
		Expect(firstBytes).To(Equal(secondBytes))
	})
})
