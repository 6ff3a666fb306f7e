// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
	"github.com/gardener-community/gardener-extension-acl/test/pilot"
)

// Changes without drains (issue #12, goal 1): Envoy drains the connections of a filter chain whose configuration
// changes, and on the shared listeners 8443 and 8132 those are every reversed-VPN and apiserver-proxy tunnel of every
// shoot of the gateway. So every change of who is admitted must reach the gateways by ECDS only, with every listener of
// every gateway, as pilot generates it, byte for byte the same; the one exception is an ACL switched on or off, which
// changes the shoot's own SNI chains (and nothing else). Each change is made on a seed that gardener's code laid out,
// and the resulting configuration must still admit exactly what the matrix says (goal 4).
var _ = Describe("Changes of admitted sources and of ACL shoots on a seed of gardener v1.150, with istio's pilot", Ordered, ContinueOnFailure, func() {
	// Two zones: the protected shoot's kube-apiserver is on the zone-a gateway, the others' on the default gateway,
	// which also serves every shoot's wildcard and observability hosts; the zone-b gateway serves no shoot.
	seed := gardenerseed.Seed{Zones: []string{"a", "b"}, WildcardCertificate: true}
	var base, created *seedUnderTest

	BeforeAll(func() {
		base = buildSeed(seed, scenario{seed: seed, protected: gardenerseed.Shoot{Zone: "a"}}.matrixShoots()...)
		expectSemantics(base)
	})

	It("changes no listener of any gateway on a change of a shoot's rules, only its own and its shard's ECDS resources", func() {
		newOffice := source{name: "the protected shoot's new office", addr: "192.0.2.5", admitted: []string{protected}}
		rules := `{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[` +
			`{"action":"ALLOW","cidrs":["203.0.113.0/24","2001:db8:a::/48","192.0.2.0/25"]},{"action":"DENY","cidrs":["203.0.113.128/26"]}]}`
		after := base.withShoot(protected, rules, protectedEgress)

		expectListenersIdentical(base, after)
		expectOwnResourceChanged(base, after, protected)
		Expect(expectSlotChanges(base, after, protected)).To(BeNumerically(">", 0))
		expectSemantics(after)
		expectAdmittedOnlyAfter(base, after, newOffice)
	})

	It("changes no listener of any gateway on a change of a shoot's always-allowed sources (its egress)", func() {
		newEgress := source{name: "the protected shoot's new egress", addr: "198.51.100.77", admitted: []string{protected}}
		after := base.withShoot(protected, protectedRules, append(slices.Clone(protectedEgress), newEgress.addr+"/32"))

		expectListenersIdentical(base, after)
		expectOwnResourceChanged(base, after, protected)
		Expect(expectSlotChanges(base, after, protected)).To(BeNumerically(">", 0))
		expectSemantics(after)
		expectAdmittedOnlyAfter(base, after, newEgress)
	})

	It("changes no listener of any gateway on a change of the seed-wide always-allowed sources (--additional-allowed-cidrs)", func() {
		// The controller then reconciles every ACL shoot: all their own and all their shards' ECDS resources change.
		operator := source{name: "the operator's additional CIDR", addr: "192.0.2.200", admitted: everyACLShoot}
		after := base.changed(func(s *seedUnderTest) { s.additional = []string{"192.0.2.128/25"} })

		expectListenersIdentical(base, after)
		for _, role := range everyACLShoot {
			expectOwnResourceChanged(base, after, role)
		}
		Expect(expectSlotChanges(base, after, everyACLShoot...)).To(BeNumerically(">", 0))
		expectSemantics(after)
		expectAdmittedOnlyAfter(base, after, operator)
	})

	It("changes only the new ACL shoot's own SNI chains when a shoot of the seed gets an ACL", func() {
		// The open shoot gets the protected shoot's rules and egress (and has its node network): the matrix sources then
		// tell what it must admit.
		created = base.changed(func(s *seedUnderTest) {
			shoot := s.shoot(open)
			shoot.providerConfig, shoot.egress, shoot.admitsAs = protectedRules, protectedEgress, protected
		})

		Expect(expectOnlyOwnChainsChanged(base, created, open)).To(BeNumerically(">", 0), "the open shoot's chains get its filter")
		Expect(expectSlotChanges(base, created, open)).To(BeNumerically(">", 0), "the open shoot's rules arrive in the slots by ECDS")
		expectSemantics(created)
	})

	It("changes only the shoot's own SNI chains when a gateway gets its first ACL shoot or loses its last", func() {
		// The protected shoot's kube-apiserver is the only ACL shoot on the zone-b gateway: without its ACL that gateway
		// serves no ACL shoot, and its shared listeners must carry the same (empty) slots all the same.
		withACL := buildSeed(seed, scenario{seed: seed, protected: gardenerseed.Shoot{Zone: "b"}}.matrixShoots()...)
		withoutACL := withACL.withShoot(protected, "", nil)

		Expect(expectOnlyOwnChainsChanged(withACL, withoutACL, protected)).To(BeNumerically(">", 0), "the shoot's chains lose its filter")
		Expect(expectSlotChanges(withACL, withoutACL, protected)).To(BeNumerically(">", 0), "its rules leave the slots by ECDS")
		expectSemantics(withoutACL)
		Expect(expectOnlyOwnChainsChanged(withoutACL, withACL, protected)).To(BeNumerically(">", 0), "and get it back")
	})

	It("changes only the shoot's own SNI chains when an ACL is deleted, back to the listeners before it was created", func() {
		Expect(created).NotTo(BeNil(), "the creation spec ran")
		deleted := created.withShoot(open, "", nil)

		Expect(expectOnlyOwnChainsChanged(created, deleted, open)).To(BeNumerically(">", 0), "the open shoot's chains lose its filter")
		Expect(expectSlotChanges(created, deleted, open)).To(BeNumerically(">", 0), "the open shoot's rules leave the slots by ECDS")
		expectSameConfiguration(base, deleted)
		expectSemantics(deleted)
	})

	It("changes only the shoot's own SNI chains when an ACL shoot migrates away and is restored", func() {
		// From the seed's point of view a control plane migration is a sequence: the extension's Migrate removes the
		// shoot's ACL objects (the same as deleting its ACL), then gardener removes the control plane; on the target seed
		// (here: the same seed again) gardener restores the control plane, then the extension's Restore renders the ACL
		// (the same as creating it). No step may touch another shoot's chains or the shared listeners.
		Expect(created).NotTo(BeNil(), "the creation spec ran")
		withoutACL := created.withShoot(open, "", nil)
		Expect(expectOnlyOwnChainsChanged(created, withoutACL, open)).To(BeNumerically(">", 0))
		Expect(expectSlotChanges(created, withoutACL, open)).To(BeNumerically(">", 0))

		migratedAway := withoutACL.changed(func(s *seedUnderTest) {
			s.shoots = slices.DeleteFunc(s.shoots, func(shoot *shootUnderTest) bool { return shoot.role == open })
		})
		Expect(expectOnlyOwnChainsChanged(withoutACL, migratedAway, open)).To(BeNumerically(">", 0), "gardener removes the shoot's chains")
		Expect(expectSlotChanges(withoutACL, migratedAway)).To(BeZero())
		expectSemantics(migratedAway)

		controlPlaneRestored := migratedAway.changed(func(s *seedUnderTest) {
			s.shoots = nil
			for _, shoot := range withoutACL.shoots {
				copied := *shoot
				s.shoots = append(s.shoots, &copied)
			}
		})
		expectSameConfiguration(withoutACL, controlPlaneRestored)

		restored := controlPlaneRestored.changed(func(s *seedUnderTest) {
			shoot := s.shoot(open)
			shoot.providerConfig, shoot.egress, shoot.admitsAs = protectedRules, protectedEgress, protected
		})
		Expect(expectOnlyOwnChainsChanged(controlPlaneRestored, restored, open)).To(BeNumerically(">", 0))
		Expect(expectSlotChanges(controlPlaneRestored, restored, open)).To(BeNumerically(">", 0))
		expectSameConfiguration(created, restored)
		expectSemantics(restored)
	})

	It("switches a shoot to Audit and back without changing a listener; in Audit its paths admit everybody and the shadow rules decide as Enforce did", func() {
		audited := base.withShoot(protected, auditedRules, protectedEgress)
		Expect(audited.shoot(protected).audited).To(BeTrue())

		expectListenersIdentical(base, audited)
		expectOwnResourceChanged(base, audited, protected)
		Expect(expectSlotChanges(base, audited, protected)).To(BeNumerically(">", 0))
		expectSemantics(audited)
		// Cell by cell, the shadow verdict in Audit is the verdict in Enforce, and the other shoots' are unchanged.
		for _, role := range []string{protected, second, open} {
			for _, verdicts := range []func(*seedUnderTest, *shootUnderTest, []source) []verdict{sniVerdicts, sharedListenerVerdicts} {
				enforced, audit := verdicts(base, base.shoot(role), sources), verdicts(audited, audited.shoot(role), sources)
				Expect(audit).To(HaveLen(len(enforced)), role)
				for i := range enforced {
					Expect([]any{audit[i].path, audit[i].source, audit[i].allowed}).To(Equal([]any{enforced[i].path, enforced[i].source, enforced[i].allowed}), role)
				}
			}
		}
		// Also in the layouts before and while switching the seed to the slots.
		for _, layout := range []sharedLayout{inlineOnly, switching} {
			expectSemantics(audited.changed(func(s *seedUnderTest) { s.layout = layout }))
		}

		expectSameConfiguration(base, audited.withShoot(protected, protectedRules, protectedEgress))
	})

	It("decides every request on the shared listeners the same in every step of switching the seed to the slots", func() {
		// The one listener change of the switch: inline filters only, then inline filters and slots while
		// gardener-resource-manager applies the slots, then slots only once the controller saw them applied. No step may
		// leave a shoot's requests unprotected or block another's.
		steps := []*seedUnderTest{
			base.changed(func(s *seedUnderTest) { s.layout = inlineOnly }),
			base.changed(func(s *seedUnderTest) { s.layout = switching }),
			base,
		}
		var first map[string][]verdict
		for _, step := range steps {
			expectSemantics(step)
			cells := map[string][]verdict{}
			for _, shoot := range step.shoots {
				cells[shoot.role] = sharedListenerVerdicts(step, shoot, sources)
				Expect(cells[shoot.role]).NotTo(BeEmpty(), "%s in the layout %s", shoot.role, step.layout)
			}
			if first == nil {
				first = cells
				continue
			}
			Expect(cells).To(Equal(first), "the layout %s against %s", step.layout, steps[0].layout)
		}

		// Only the shared listeners change, and from the second step to the last only by losing the inline filters.
		for _, gateway := range base.gateways {
			for i := range steps[1:] {
				before, after := listenersByName(steps[i].configs[gateway.Namespace]), listenersByName(steps[i+1].configs[gateway.Namespace])
				Expect(slices.Sorted(maps.Keys(after))).To(Equal(slices.Sorted(maps.Keys(before))), gateway.Namespace)
				for name, l := range before {
					if port := l.GetAddress().GetSocketAddress().GetPortValue(); isSharedListenerPort(port) {
						continue
					}
					Expect(bytes.Equal(marshalListener(l), marshalListener(after[name]))).To(BeTrue(), "%s: listener %s from the layout %s to %s", gateway.Namespace, name, steps[i].layout, steps[i+1].layout)
				}
			}
			for _, listener := range sharedListeners {
				switched, done := withoutInlineRBAC(steps[1].configs[gateway.Namespace], listener.port), withoutInlineRBAC(base.configs[gateway.Namespace], listener.port)
				Expect(switched).NotTo(BeNil(), "%s :%d", gateway.Namespace, listener.port)
				Expect(bytes.Equal(switched, done)).To(BeTrue(), "%s :%d: the switched listener is the switching one without the inline filters", gateway.Namespace, listener.port)
			}
		}
	})
})

// expectSemantics checks goal 4 on a seed: every patch lands once, the slots are in place for the seed's layout,
// every path of every shoot gives every source the matrix's verdict, and requests for no shoot pass.
func expectSemantics(s *seedUnderTest) {
	GinkgoHelper()
	for _, shoot := range s.shoots {
		expectPatchesLandOnce(s, shoot)
		Expect(wrong(sniVerdicts(s, shoot, sources))).To(BeEmpty(), "%s in the layout %s", shoot.role, s.layout)
		Expect(wrong(sharedListenerVerdicts(s, shoot, sources))).To(BeEmpty(), "%s in the layout %s", shoot.role, s.layout)
	}
	expectSlotsLandOnce(s)
	expectRequestsForNoShootPass(s)
}

// expectAdmittedOnlyAfter checks that the paths of the shoots that admit src after a change, and only those, refuse it
// before and admit it after.
func expectAdmittedOnlyAfter(before, after *seedUnderTest, src source) {
	GinkgoHelper()
	refused := src
	refused.admitted = nil
	for _, c := range []struct {
		s   *seedUnderTest
		src source
	}{{before, refused}, {after, src}} {
		for _, shoot := range c.s.shoots {
			cells := append(sniVerdicts(c.s, shoot, []source{c.src}), sharedListenerVerdicts(c.s, shoot, []source{c.src})...)
			Expect(cells).NotTo(BeEmpty())
			Expect(wrong(cells)).To(BeEmpty(), "%s from %s", shoot.role, c.src.name)
		}
	}
}

// marshalListener is a listener or filter chain in Envoy's wire format, deterministically ordered: what Envoy compares
// to decide whether a listener changed.
func marshalListener(l proto.Message) []byte {
	raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(l)
	ExpectWithOffset(2, err).NotTo(HaveOccurred())
	return raw
}

// listenersByName returns a gateway's listeners by name; Envoy identifies a listener by its name.
func listenersByName(config *pilot.Config) map[string]*listenerv3.Listener {
	listeners := map[string]*listenerv3.Listener{}
	for _, l := range config.Listeners {
		ExpectWithOffset(1, listeners).NotTo(HaveKey(l.GetName()))
		listeners[l.GetName()] = l
	}
	return listeners
}

// expectListenersIdentical checks that every gateway has the same listeners before and after, byte for byte, and
// that the listeners compared include the SNI and both shared listeners of every gateway that serves a shoot.
func expectListenersIdentical(before, after *seedUnderTest) {
	GinkgoHelper()
	compared := map[uint32]int{}
	for _, gateway := range before.gateways {
		old, updated := listenersByName(before.configs[gateway.Namespace]), listenersByName(after.configs[gateway.Namespace])
		Expect(slices.Sorted(maps.Keys(updated))).To(Equal(slices.Sorted(maps.Keys(old))), gateway.Namespace)
		for name, l := range old {
			Expect(bytes.Equal(marshalListener(l), marshalListener(updated[name]))).To(BeTrue(), "%s: listener %s", gateway.Namespace, name)
			compared[l.GetAddress().GetSocketAddress().GetPortValue()]++
		}
	}
	for _, port := range []uint32{envoyfilter.SNIListenerPort, sharedListeners[0].port, sharedListeners[1].port} {
		Expect(compared[port]).To(BeNumerically(">=", 2), "listeners on port %d compared: the default and the zone-a gateway serve shoots", port)
	}
}

// expectSameConfiguration checks that two seeds give every gateway the same listeners and the same ECDS resources:
// a change undone leaves nothing behind.
func expectSameConfiguration(a, b *seedUnderTest) {
	GinkgoHelper()
	expectListenersIdentical(a, b)
	for _, gateway := range a.gateways {
		configA, configB := a.configs[gateway.Namespace], b.configs[gateway.Namespace]
		Expect(pilot.FilterNames(configB.ExtensionConfigs)).To(Equal(pilot.FilterNames(configA.ExtensionConfigs)), gateway.Namespace)
		for _, resource := range configA.ExtensionConfigs {
			Expect(sameResource(resource, extensionConfig(configB, resource.GetName()))).To(BeTrue(), "%s: ECDS resource %s", gateway.Namespace, resource.GetName())
		}
	}
}

// expectOnlyOwnChainsChanged checks, on every gateway, that only the shoot's own filter chains (those serving its
// hosts on 9443) and its own listeners (gardener's internal listener of its kube-apiserver socket, named by its
// namespace) differ between before and after: every other chain of 9443 and every other listener, 8443 and 8132
// included, is byte-identical. It returns how many of the shoot's own chains and listeners changed, appeared or went.
func expectOnlyOwnChainsChanged(before, after *seedUnderTest, role string) int {
	GinkgoHelper()
	shoot := findShoot(before, role)
	if shoot == nil {
		shoot = findShoot(after, role)
	}
	Expect(shoot).NotTo(BeNil(), role)
	hosts := before.hosts(shoot)
	changed := 0
	for _, gateway := range before.gateways {
		oldRest, oldOwn := splitOwn(before.configs[gateway.Namespace], shoot.technicalID, hosts)
		newRest, newOwn := splitOwn(after.configs[gateway.Namespace], shoot.technicalID, hosts)
		Expect(slices.Sorted(maps.Keys(newRest))).To(Equal(slices.Sorted(maps.Keys(oldRest))), gateway.Namespace)
		for name, raw := range oldRest {
			Expect(bytes.Equal(raw, newRest[name])).To(BeTrue(), "%s: listener %s without the chains of %s", gateway.Namespace, name, role)
		}
		for key := range oldOwn {
			if !bytes.Equal(oldOwn[key], newOwn[key]) {
				changed++
			}
		}
		for key := range newOwn {
			if _, ok := oldOwn[key]; !ok {
				changed++
			}
		}
	}
	return changed
}

func findShoot(s *seedUnderTest, role string) *shootUnderTest {
	for _, shoot := range s.shoots {
		if shoot.role == role {
			return shoot
		}
	}
	return nil
}

// splitOwn returns a gateway's listeners without the shoot's own chains and listeners, by listener name, and the
// shoot's own chains and listeners, by listener name and server names, all in Envoy's wire format.
func splitOwn(config *pilot.Config, technicalID string, hosts []string) (rest, own map[string][]byte) {
	rest, own = map[string][]byte{}, map[string][]byte{}
	for name, l := range listenersByName(config) {
		if strings.Contains(name, technicalID) {
			own[name] = marshalListener(l)
			continue
		}
		others := proto.Clone(l).(*listenerv3.Listener)
		others.FilterChains = nil
		for _, chain := range l.GetFilterChains() {
			names := chain.GetFilterChainMatch().GetServerNames()
			if slices.ContainsFunc(names, func(name string) bool { return slices.Contains(hosts, strings.ToLower(name)) }) {
				own[fmt.Sprintf("%s %v", name, names)] = marshalListener(chain)
				continue
			}
			others.FilterChains = append(others.FilterChains, chain)
		}
		rest[name] = marshalListener(others)
	}
	return rest, own
}

// expectOwnResourceChanged checks that the shoot's own ECDS resource (the rules of its SNI chains) changed on every
// gateway that serves one of its chains, and that there is such a gateway.
func expectOwnResourceChanged(before, after *seedUnderTest, role string) {
	GinkgoHelper()
	name := envoyfilter.Name(after.shoot(role).technicalID)
	resources := 0
	for _, gateway := range before.gateways {
		if resource := extensionConfig(after.configs[gateway.Namespace], name); resource != nil {
			Expect(sameResource(resource, extensionConfig(before.configs[gateway.Namespace], name))).To(BeFalse(), "%s: the new rules of %s arrive by ECDS", gateway.Namespace, role)
			resources++
		}
	}
	Expect(resources).To(BeNumerically(">", 0), "the chains of %s take their rules from ECDS", role)
}

// expectSlotChanges checks, on every gateway with shared slots, that exactly the ECDS resources of the slots that
// hold one of the changed shoots (its shard, every destination form, both shared listeners, on the gateways that serve
// it before or after) changed, and returns how many did.
func expectSlotChanges(before, after *seedUnderTest, roles ...string) int {
	GinkgoHelper()
	changed := 0
	for _, gateway := range before.gateways {
		old, updated := before.configs[gateway.Namespace], after.configs[gateway.Namespace]
		for _, listener := range sharedListeners {
			for _, slot := range envoyfilter.SharedSlots() {
				name := envoyfilter.SharedFilterName(listener.port, slot)
				oldResource, newResource := extensionConfig(old, name), extensionConfig(updated, name)
				if oldResource == nil && newResource == nil {
					continue
				}
				Expect(oldResource).NotTo(BeNil(), "%s: %s before", gateway.Namespace, name)
				Expect(newResource).NotTo(BeNil(), "%s: %s after", gateway.Namespace, name)
				want := false
				for _, role := range roles {
					for _, s := range []*seedUnderTest{before, after} {
						if shoot := findShoot(s, role); shoot != nil && shoot.hasACL() && shoot.filterIn(gateway.Namespace) != nil && envoyfilter.Shard(shoot.technicalID) == slot.Shard {
							want = true
						}
					}
				}
				Expect(!sameResource(oldResource, newResource)).To(Equal(want), "%s: %s changed", gateway.Namespace, name)
				if want {
					changed++
				}
			}
		}
	}
	return changed
}

// withoutInlineRBAC is the listener on port in Envoy's wire format with the HTTP RBAC filters that carry their
// configuration inline (the shoots' own filters before the switch) removed from its connection managers; nil when
// the gateway has no such listener.
func withoutInlineRBAC(config *pilot.Config, port uint32) []byte {
	for _, l := range config.Listeners {
		if l.GetAddress().GetSocketAddress().GetPortValue() != port {
			continue
		}
		stripped := proto.Clone(l).(*listenerv3.Listener)
		for _, chain := range append(slices.Clone(stripped.GetFilterChains()), stripped.GetDefaultFilterChain()) {
			for _, filter := range chain.GetFilters() {
				hcm := &hcmv3.HttpConnectionManager{}
				if filter.GetTypedConfig() == nil || !filter.GetTypedConfig().MessageIs(hcm) {
					continue
				}
				ExpectWithOffset(1, filter.GetTypedConfig().UnmarshalTo(hcm)).To(Succeed())
				hcm.HttpFilters = slices.DeleteFunc(hcm.HttpFilters, func(f *hcmv3.HttpFilter) bool {
					return f.GetName() == pilot.HTTPRBACFilterName && f.GetTypedConfig() != nil
				})
				// Re-marshalled on both sides of a comparison, so the bytes compare the content.
				typed, err := anypb.New(hcm)
				ExpectWithOffset(1, err).NotTo(HaveOccurred())
				raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(hcm)
				ExpectWithOffset(1, err).NotTo(HaveOccurred())
				typed.Value = raw
				filter.ConfigType = &listenerv3.Filter_TypedConfig{TypedConfig: typed}
			}
		}
		return marshalListener(stripped)
	}
	return nil
}

// extensionConfig returns pilot's ECDS resource of that name, nil if pilot sends none.
func extensionConfig(config *pilot.Config, name string) *corev3.TypedExtensionConfig {
	for _, resource := range config.ExtensionConfigs {
		if resource.GetName() == name {
			return resource
		}
	}
	return nil
}

// sameResource tells whether two ECDS resources configure the same: same name, and typed configs that are equal once
// unpacked. Comparing the packed bytes is not enough: pilot packs the slots' match trees, whose prefix_match_map is a
// protobuf map, without deterministic ordering, so the same configuration comes in different bytes.
func sameResource(a, b *corev3.TypedExtensionConfig) bool {
	if a == nil || b == nil {
		return a == b
	}
	configA, err := a.GetTypedConfig().UnmarshalNew()
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), a.GetName())
	configB, err := b.GetTypedConfig().UnmarshalNew()
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), b.GetName())
	return a.GetName() == b.GetName() && proto.Equal(configA, configB)
}
