// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	"fmt"
	"slices"
	"strings"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/pilot"
)

// The path × source matrix (issue #11, B): on seeds that gardener v1.150's own code lays out, with the EnvoyFilters
// the controller renders from them and the listeners istio's pilot generates from both, every path to an ACL shoot
// admits exactly its rules and always-allowed sources, other shoots' paths are not restricted by its filters, and a
// shoot without the extension admits everybody. docs/reliability.md records the matrix.

// scenario is a seed variant with its three shoots; the shoots' names, rules and networks are added by
// scenarioShoots.
type scenario struct {
	name                    string
	seed                    gardenerseed.Seed
	protected, second, open gardenerseed.Shoot
	// auditProtected puts the protected shoot's rules in Audit mode (auditedRules).
	auditProtected bool
}

var scenarios = []scenario{
	{
		name: "gardener v1.150's defaults (Istio TLS termination on, no wildcard certificate)",
		seed: gardenerseed.Seed{},
	},
	{
		name: "Istio TLS termination off (feature gate), wildcard certificate",
		seed: gardenerseed.Seed{IstioTLSTermination: new(false), WildcardCertificate: true},
	},
	{
		name:   "wildcard certificate, the second shoot opts out of Istio TLS termination",
		seed:   gardenerseed.Seed{WildcardCertificate: true},
		second: gardenerseed.Shoot{DisableIstioTLSTermination: true},
	},
	{
		name:      "zonal ingress gateways, wildcard certificate",
		seed:      gardenerseed.Seed{Zones: []string{"a", "b", "c"}, WildcardCertificate: true},
		protected: gardenerseed.Shoot{Zone: "b"},
		second:    gardenerseed.Shoot{Zone: "c"},
		open:      gardenerseed.Shoot{Zone: "b"},
	},
	{
		name:      "ExposureClass handler, wildcard certificate",
		seed:      gardenerseed.Seed{ExposureClassHandlers: []string{"internet"}, WildcardCertificate: true},
		protected: gardenerseed.Shoot{ExposureClassHandler: "internet"},
		open:      gardenerseed.Shoot{ExposureClassHandler: "internet"},
	},
	{
		// The seed's nginx is reached through a passthrough chain of the whole ingress domain, which other shoots share.
		name: "the seed still runs nginx (DisableNginxIngressInSeed off)",
		seed: gardenerseed.Seed{NginxIngress: true},
	},
	{
		name:      "zonal ExposureClass handler, Istio TLS termination off (feature gate)",
		seed:      gardenerseed.Seed{Zones: []string{"a", "b", "c"}, ExposureClassHandlers: []string{"internet"}, IstioTLSTermination: new(false)},
		protected: gardenerseed.Shoot{ExposureClassHandler: "internet", Zone: "b"},
		second:    gardenerseed.Shoot{Zone: "b"},
		open:      gardenerseed.Shoot{ExposureClassHandler: "internet", Zone: "b"},
	},
	{
		// Every kind of path, the shared nginx chain included, with one shoot auditing next to one enforcing.
		name:           "the protected shoot audits its rules (Audit mode), on a seed that still runs nginx, wildcard certificate",
		seed:           gardenerseed.Seed{NginxIngress: true, WildcardCertificate: true},
		auditProtected: true,
	},
}

// matrixShoots are the scenario's shoots: the protected one with every observability host (alertmanager, logging),
// the second with other rules and its own node network, and the open one without the extension.
func (sc scenario) matrixShoots() []matrixShoot {
	protectedSpec, secondSpec, openSpec := sc.protected, sc.second, sc.open
	protectedSpec.Name, protectedSpec.Alertmanager, protectedSpec.Logging = protected, true, true
	secondSpec.Name = second
	secondSpec.Mutate = func(s *gardencorev1beta1.Shoot) { s.Spec.Networking.Nodes = new(secondNodes) }
	openSpec.Name = open
	rules := protectedRules
	if sc.auditProtected {
		rules = auditedRules
	}
	return []matrixShoot{
		{role: protected, spec: protectedSpec, providerConfig: rules, egress: protectedEgress},
		{role: second, spec: secondSpec, providerConfig: secondRules, egress: secondEgress},
		{role: open, spec: openSpec},
	}
}

var _ = Describe("The path × source matrix on seeds of gardener v1.150, with istio's pilot", func() {
	for _, sc := range scenarios {
		// Every spec reads the seed built once; a failing spec must not hide the verdicts of the others.
		Describe(sc.name, Ordered, ContinueOnFailure, func() {
			var s *seedUnderTest

			BeforeAll(func() {
				s = buildSeed(sc.seed, sc.matrixShoots()...)
			})

			It("applies every patch of the ACL EnvoyFilters exactly once, on the chains and listeners it is meant for", func() {
				for _, shoot := range s.shoots {
					expectPatchesLandOnce(s, shoot)
				}
			})

			It("puts every slot filter of the shared listeners once on each gateway that serves an ACL shoot, and no inline filter", func() {
				expectSlotsLandOnce(s)
			})

			It("closes connections to port 9443 without a server name it serves", func() {
				for namespace, config := range s.configs {
					for _, conn := range []pilot.Connection{{Port: 9443}, pilot.TLSConnection(9443, ""), pilot.TLSConnection(9443, "api.unknown.dev.shoots.example.com")} {
						_, err := config.FilterChain(conn)
						Expect(err).To(MatchError(Or(ContainSubstring("no chain matches"), ContainSubstring("no listener"))), namespace)
					}
				}
			})

			for _, role := range []string{protected, second, open} {
				It(fmt.Sprintf("gives every SNI path of the %s shoot, on every gateway, the verdict of its rules", role), func() {
					cells := sniVerdicts(s, s.shoot(role), sources)
					AddReportEntry("SNI cells", len(cells))
					Expect(wrong(cells)).To(BeEmpty())
				})

				It(fmt.Sprintf("gives every destination of the %s shoot on the shared listeners, on every gateway, the verdict of its rules", role), func() {
					cells := sharedListenerVerdicts(s, s.shoot(role), sources)
					AddReportEntry("shared listener cells", len(cells))
					Expect(wrong(cells)).To(BeEmpty())
				})
			}

			It("lets requests for no shoot through every filter on the shared listeners", func() {
				expectRequestsForNoShootPass(s)
			})

			It("never routes a TLS-terminated connection of one shoot to another shoot's backend by its HTTP Host (domain fronting)", func() {
				requests := expectNoFronting(s)
				AddReportEntry("domain fronting requests", requests)
				// The observability hosts' chains always terminate TLS, so there is always something to front with.
				Expect(requests).To(BeNumerically(">", 0))
			})

			It("reaches a kube-apiserver socket's internal listener only through its own cluster, which no 9443 route names", func() {
				for namespace, config := range s.configs {
					expectSocketsOnlyBehindSharedListeners(namespace, config)
				}
			})

			It("gives the shoots no Ingress, so a seed's nginx behind the shared passthrough chain serves none of their hosts", func() {
				// Since gardener v1.141 the observability components have istio Gateways of their own; an Ingress would be
				// reached through *.<ingress domain> by any server name, and the controller's shared-chain filter would be
				// all that guards it (SNI only, see docs/reliability.md).
				for _, obj := range s.objects {
					_, isIngress := obj.(*networkingv1.Ingress)
					Expect(isIngress).To(BeFalse(), "%v", obj)
				}
			})
		})
	}
})

// terminated tells whether istio terminates TLS for the shoot's kube-apiserver: gardenlet's feature gate
// IstioTLSTermination (on by default in v1.150) and no opt-out annotation on the shoot.
func (s *seedUnderTest) terminated(shoot *shootUnderTest) bool {
	return (s.seed.IstioTLSTermination == nil || *s.seed.IstioTLSTermination) && !shoot.spec.DisableIstioTLSTermination
}

// expectPatchesLandOnce checks, on every gateway of the seed, that pilot applied every patch of the shoot's
// EnvoyFilter: each filterChain.sni match selects exactly one chain, each chain that serves the shoot's hosts has
// exactly one network RBAC filter of the shoot and serves no other shoot's host, the shared listeners have exactly one
// HTTP RBAC filter of the shoot before the seed switched to the slots and none after, every other chain (other
// shoots', the kube-apiserver socket's internal listener) none, and there are exactly as many filters as patches. A
// patch that istio does not apply, or applies twice, fails here.
func expectPatchesLandOnce(s *seedUnderTest, shoot *shootUnderTest) {
	hosts := s.hosts(shoot)
	for _, gateway := range s.gateways {
		config := s.configs[gateway.Namespace]
		filter := shoot.filterIn(gateway.Namespace)
		for _, warning := range config.Warnings {
			// Other gateways' EnvoyFilters and Gateways do not apply to this one, which is all the seed may warn about.
			Expect(warning).NotTo(Or(HavePrefix("pilot discarded"), HavePrefix("no filter chain serves"), HavePrefix("istio validation")), gateway.Namespace)
			if filter != nil {
				Expect(warning).NotTo(ContainSubstring("EnvoyFilter "+gateway.Namespace+"/"+filter.Name+" "), gateway.Namespace)
			}
		}

		patches := 0
		if filter != nil {
			for _, patch := range filter.Spec.ConfigPatches {
				if patch.GetApplyTo() == istioapinetworkingv1alpha3.EnvoyFilter_EXTENSION_CONFIG {
					// The rules of the filters on the shoot's own chains, which RBACFilters reads from pilot's ECDS output.
					continue
				}
				patches++
				listenerMatch := patch.GetMatch().GetListener()
				if sni := listenerMatch.GetFilterChain().GetSni(); sni != "" {
					Expect(chainsServing(config, listenerMatch.GetPortNumber(), sni)).To(Equal(1), "%s: patch for %s", gateway.Namespace, sni)
				}
			}
		}

		found := 0
		for _, l := range config.Listeners {
			port := l.GetAddress().GetSocketAddress().GetPortValue()
			for _, chain := range append(slices.Clone(l.GetFilterChains()), l.GetDefaultFilterChain()) {
				if chain == nil {
					continue
				}
				own := ownFilters(config, chain, shoot)
				found += len(own)
				where := fmt.Sprintf("%s: listener %s, chain %v", gateway.Namespace, l.GetName(), chain.GetFilterChainMatch().GetServerNames())
				names := chain.GetFilterChainMatch().GetServerNames()
				switch {
				case shoot.hasACL() && slices.ContainsFunc(names, func(name string) bool { return slices.Contains(hosts, strings.ToLower(name)) }):
					// A chain shared with another shoot could not be restricted to this shoot's sources.
					for _, name := range names {
						Expect(hosts).To(ContainElement(strings.ToLower(name)), where)
					}
					Expect(own).To(HaveExactElements(HaveField("HTTP", BeFalse())), where)
				case shoot.hasACL() && filter != nil && isSharedListenerPort(port) && len(names) == 0 && s.layout != slotsOnly:
					// Before the switch the shoot's own inline filter; once switched the slots hold its rules
					// (expectSlotsLandOnce).
					Expect(own).To(HaveExactElements(HaveField("HTTP", BeTrue())), where)
				default:
					Expect(own).To(BeEmpty(), where)
				}
			}
		}
		Expect(found).To(Equal(patches), "%s: filters of %s against the patches of its EnvoyFilter", gateway.Namespace, shoot.role)
	}
}

// expectSlotsLandOnce checks, on every gateway of the seed, the shared listeners' filters in the seed's layout: every
// slot filter of RenderShared once, in the order of envoyfilter.SharedSlots, each enforcing the match tree pilot sends
// by ECDS, whether or not the gateway serves an ACL shoot (no slot in the inline layout), and one inline filter per ACL
// shoot the gateway serves before the switch (none once switched).
func expectSlotsLandOnce(s *seedUnderTest) {
	for _, gateway := range s.gateways {
		config := s.configs[gateway.Namespace]
		served := 0
		for _, shoot := range s.shoots {
			if shoot.hasACL() && shoot.filterIn(gateway.Namespace) != nil {
				served++
			}
		}
		for _, listener := range sharedListeners {
			where := fmt.Sprintf("%s :%d in the layout %s", gateway.Namespace, listener.port, s.layout)
			chain, err := config.FilterChain(pilot.Connection{Port: listener.port})
			Expect(err).NotTo(HaveOccurred(), where)
			filters, err := config.RBACFilters(chain)
			Expect(err).NotTo(HaveOccurred(), where)

			var slots, wantSlots []string
			inline := 0
			for _, f := range filters {
				Expect(f.HTTP).To(BeTrue(), where)
				if f.Matcher != nil {
					Expect(f.StatPrefix).To(BeEmpty(), where)
					Expect(extensionConfig(config, f.Name)).NotTo(BeNil(), "%s: pilot sends the configuration of %s", where, f.Name)
					slots = append(slots, f.Name)
				} else {
					inline++
				}
			}
			if s.layout != inlineOnly {
				for _, slot := range envoyfilter.SharedSlots() {
					wantSlots = append(wantSlots, envoyfilter.SharedFilterName(listener.port, slot))
				}
			}
			Expect(slots).To(Equal(wantSlots), where)
			if s.layout == slotsOnly {
				Expect(inline).To(BeZero(), where)
			} else {
				Expect(inline).To(Equal(served), where)
			}
		}
	}
}

// expectRequestsForNoShootPass checks that requests on the shared listeners of every gateway that name no shoot's
// destination, or none at all, pass every filter from every source.
func expectRequestsForNoShootPass(s *seedUnderTest) {
	for namespace, config := range s.configs {
		for _, listener := range sharedListeners {
			chain, err := config.FilterChain(pilot.Connection{Port: listener.port})
			Expect(err).NotTo(HaveOccurred())
			for _, src := range sources {
				for _, headers := range []map[string][]string{nil, {listener.header: {"outbound|443||kube-apiserver.garden.svc.cluster.local"}}} {
					decision, err := config.Decide(chain, src.request(headers))
					Expect(err).NotTo(HaveOccurred())
					Expect(decision.Allowed).To(BeTrue(), "%s :%d from %s with %v", namespace, listener.port, src.name, headers)
				}
			}
		}
	}
}

// chainsServing counts the chains of the listener on port whose server names contain sni: the chains a
// filterChain.sni match of istio selects.
func chainsServing(config *pilot.Config, port uint32, sni string) int {
	l, err := config.Listener(port)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	count := 0
	for _, chain := range l.GetFilterChains() {
		if slices.Contains(chain.GetFilterChainMatch().GetServerNames(), sni) {
			count++
		}
	}
	return count
}

func isSharedListenerPort(port uint32) bool {
	return slices.ContainsFunc(sharedListeners, func(l sharedListener) bool { return l.port == port })
}

// sniVerdicts decides each of srcs on every SNI path of the shoot on the chain istio selects. A host must be served
// by the gateway gardener exposes it on and by no other gateway of the seed.
func sniVerdicts(s *seedUnderTest, shoot *shootUnderTest, srcs []source) []verdict {
	var cells []verdict
	for _, path := range s.sniPaths(shoot) {
		for _, gateway := range s.gateways {
			config := s.configs[gateway.Namespace]
			chain, err := config.FilterChain(pilot.TLSConnection(9443, path.host))
			if gateway.Namespace != path.gateway {
				Expect(err).To(MatchError(Or(ContainSubstring("no chain matches"), ContainSubstring("no listener"))), "%s served by %s", path.host, gateway.Namespace)
				continue
			}
			Expect(err).NotTo(HaveOccurred(), "%s on %s", path.host, gateway.Namespace)
			for _, src := range srcs {
				decision, err := config.Decide(chain, src.request(nil))
				Expect(err).NotTo(HaveOccurred())
				if shoot.hasACL() {
					Expect(pilot.StatPrefixes(decision.Ran)).To(Equal([]string{shoot.statPrefix()}), path.host)
				} else {
					Expect(decision.Ran).To(BeEmpty(), path.host)
				}
				cells = append(cells, verdictOf(shoot, decision, fmt.Sprintf("%s %s on %s", path.kind, path.host, gateway.Namespace), src))
			}
		}
	}
	return cells
}

// sharedListenerVerdicts decides each of srcs for every destination form of the shoot on both shared listeners of
// every gateway. A request that reaches the shoot's control plane, or meets the shoot's filter, must get the shoot's
// verdict; on gateways that do not serve the shoot (no filter of its own, no slot holding it) a request must not reach
// it. The kube-apiserver and VPN destinations, and with Istio TLS termination the kube-apiserver socket, must reach the
// control plane through the shoot's own gateway, so the paths exist.
func sharedListenerVerdicts(s *seedUnderTest, shoot *shootUnderTest, srcs []source) []verdict {
	mustReach := []string{
		fmt.Sprintf("outbound|443||kube-apiserver.%s.svc.cluster.local", shoot.technicalID),
		fmt.Sprintf("outbound|1194||vpn-seed-server.%s.svc.cluster.local", shoot.technicalID),
	}
	if s.terminated(shoot) {
		// gardener's <namespace>-apiserver-proxy EnvoyFilter adds the socket's cluster with Istio TLS termination only.
		mustReach = append(mustReach, shoot.technicalID+"--kube-apiserver-socket")
	}
	var cells []verdict
	for _, gateway := range s.gateways {
		config := s.configs[gateway.Namespace]
		guarded := shoot.filterIn(gateway.Namespace) != nil
		for _, listener := range sharedListeners {
			chain, err := config.FilterChain(pilot.Connection{Port: listener.port})
			Expect(err).NotTo(HaveOccurred(), "%s :%d", gateway.Namespace, listener.port)
			for _, form := range destinationForms(shoot.technicalID) {
				route, err := config.SelectRoute(chain, connect(listener.header, form))
				Expect(err).NotTo(HaveOccurred())
				reached := reaches(route, shoot.technicalID)
				if gateway.Namespace == shoot.apiServerGateway.Namespace && len(form) == 1 && slices.Contains(mustReach, form[0]) {
					Expect(reached).To(BeTrue(), "%s :%d %v: %+v", gateway.Namespace, listener.port, form, route)
				}
				if !reached && !guarded {
					continue
				}
				for _, src := range srcs {
					decision, err := config.Decide(chain, src.request(map[string][]string{listener.header: form}))
					Expect(err).NotTo(HaveOccurred())
					cells = append(cells, verdictOf(shoot, decision, fmt.Sprintf(":%d %s: %v on %s", listener.port, listener.header, form, gateway.Namespace), src))
				}
			}
		}
	}
	return cells
}

// expectSocketsOnlyBehindSharedListeners checks that the internal listeners gardener adds for the apiserver-proxy
// (@kube-apiservers/<namespace>, which Config.Listener never selects) are reached only by the cluster
// <namespace>--kube-apiserver-socket, and that no route of the 9443 chains sends requests there or picks its cluster
// from a header: only the shared listeners' CONNECT routes do, which the matrix checks.
func expectSocketsOnlyBehindSharedListeners(namespace string, config *pilot.Config) {
	for _, cluster := range config.Clusters {
		for _, endpoints := range cluster.GetLoadAssignment().GetEndpoints() {
			for _, endpoint := range endpoints.GetLbEndpoints() {
				path := endpoint.GetEndpoint().GetAddress().GetPipe().GetPath()
				if controlPlane, ok := strings.CutPrefix(path, "@kube-apiservers/"); ok {
					Expect(cluster.GetName()).To(Equal(controlPlane+"--kube-apiserver-socket"), namespace)
				}
			}
		}
	}
	for _, routeConfiguration := range config.Routes {
		for _, virtualHost := range routeConfiguration.GetVirtualHosts() {
			for _, route := range virtualHost.GetRoutes() {
				where := fmt.Sprintf("%s: route configuration %s, route %q", namespace, routeConfiguration.GetName(), route.GetName())
				Expect(route.GetRoute().GetCluster()).NotTo(HaveSuffix("--kube-apiserver-socket"), where)
				Expect(route.GetRoute().GetClusterHeader()).To(BeEmpty(), where)
			}
		}
	}
}

// expectNoFronting sends, on every TLS-terminating chain of port 9443, an HTTP request for every host of every other
// ACL shoot: the connection passed the chain's filters (or has none), the Host names a protected backend. Istio builds
// one route configuration per Gateway server (https.443.<server>.<Gateway>.<namespace>) holding only that server's
// hosts and no catch-all, so no virtual host matches and Envoy answers 404 (gardener's misdirected-requests Lua filter
// answers 421 before, which Decide does not model). It returns the number of requests.
func expectNoFronting(s *seedUnderTest) int {
	requests := 0
	for _, gateway := range s.gateways {
		config := s.configs[gateway.Namespace]
		l, err := config.Listener(9443)
		if err != nil {
			continue
		}
		for _, chain := range l.GetFilterChains() {
			hcm, err := pilot.HTTPConnectionManager(chain)
			Expect(err).NotTo(HaveOccurred())
			if hcm == nil {
				continue
			}
			names := chain.GetFilterChainMatch().GetServerNames()
			for _, victim := range s.shoots {
				if !victim.hasACL() || slices.Contains(s.hosts(victim), strings.ToLower(names[0])) {
					continue
				}
				for _, host := range s.hosts(victim) {
					route, err := config.SelectRoute(chain, pilot.Request{Method: "GET", Authority: host, Path: "/api"})
					Expect(err).NotTo(HaveOccurred())
					where := fmt.Sprintf("SNI %s, Host %s on %s", names[0], host, gateway.Namespace)
					Expect(reaches(route, victim.technicalID)).To(BeFalse(), where)
					Expect(route.VirtualHost).To(BeNil(), where)
					Expect(route.Action).To(Equal(pilot.RouteNotFound), where)
					requests++
				}
			}
		}
	}
	return requests
}
