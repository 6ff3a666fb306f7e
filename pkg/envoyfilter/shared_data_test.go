// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter_test

import (
	"net/netip"
	"reflect"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
)

var _ = Describe("SharedDataCache", func() {
	// fresh is what the cache must return: every group rendered and encoded anew.
	fresh := func(gateway envoyfilter.Gateway, shoots []envoyfilter.SharedShoot) []map[string][]byte {
		groups, err := envoyfilter.RenderSharedGroups(gateway, shoots)
		ExpectWithOffset(1, err).NotTo(HaveOccurred())
		data := make([]map[string][]byte, 0, len(groups))
		for _, group := range groups {
			groupData, err := envoyfilter.ManagedResourceData(group)
			ExpectWithOffset(1, err).NotTo(HaveOccurred())
			data = append(data, groupData)
		}
		return data
	}
	// identity tells whether the cache handed out the same map again, i.e. did not render the group.
	identity := func(data []map[string][]byte) []uintptr {
		pointers := make([]uintptr, 0, len(data))
		for _, groupData := range data {
			pointers = append(pointers, reflect.ValueOf(groupData).Pointer())
		}
		return pointers
	}
	memberOf := func(shoot envoyfilter.SharedShoot) []int {
		return []int{0, 1 + envoyfilter.Shard(shoot.TechnicalID), 1 + envoyfilter.SNIShard(shoot.TechnicalID)%envoyfilter.SharedListenerShards}
	}

	It("returns what rendering every group anew returns, through every kind of change, and renders only what changed", func() {
		cache := &envoyfilter.SharedDataCache{}
		gateway := envoyfilter.Gateway{Namespace: "istio-ingress", Labels: map[string]string{"app": "istio-ingressgateway"}, LegacyVPNListenerPort: 8132, SharedSNIChains: []string{"*.ingress.seed.example.com"}}
		shoots := withObservabilityHosts(sharedShoots(12, 3))

		data, err := cache.Data(gateway, shoots)
		Expect(err).NotTo(HaveOccurred())
		Expect(data).To(Equal(fresh(gateway, shoots)))
		before := identity(data)

		again, err := cache.Data(gateway, slices.Clone(shoots))
		Expect(err).NotTo(HaveOccurred())
		Expect(identity(again)).To(Equal(before), "nothing changed, nothing is rendered")

		changes := []struct {
			description string
			change      func(shoots []envoyfilter.SharedShoot) []envoyfilter.SharedShoot
			// changed is the shoot whose change it is; only its groups render again (-1: any may).
			changed int
		}{
			{"a shoot admits one more range", func(shoots []envoyfilter.SharedShoot) []envoyfilter.SharedShoot {
				shoots[4].Allowed = append(slices.Clone(shoots[4].Allowed), netip.MustParsePrefix("192.0.2.0/24"))
				return shoots
			}, 4},
			{"a shoot's observability host changes", func(shoots []envoyfilter.SharedShoot) []envoyfilter.SharedShoot {
				shoots[7].SNIHosts = []string{"p-other.ingress.seed.example.com"}
				return shoots
			}, 7},
			{"a shoot's principal type changes", func(shoots []envoyfilter.SharedShoot) []envoyfilter.SharedShoot {
				shoots[2].PrincipalType = acl.PrincipalTypeDirectRemoteIP
				return shoots
			}, 2},
			{"a shoot leaves", func(shoots []envoyfilter.SharedShoot) []envoyfilter.SharedShoot {
				return slices.Delete(shoots, 9, 10)
			}, -1},
			{"a shoot arrives", func(shoots []envoyfilter.SharedShoot) []envoyfilter.SharedShoot {
				return append(shoots, withObservabilityHosts(sharedShoots(14, 3))[13])
			}, -1},
		}
		for _, step := range changes {
			var changedShoot envoyfilter.SharedShoot
			if step.changed >= 0 {
				changedShoot = shoots[step.changed]
			}
			shoots = step.change(slices.Clone(shoots))
			data, err := cache.Data(gateway, shoots)
			Expect(err).NotTo(HaveOccurred())
			Expect(data).To(Equal(fresh(gateway, shoots)), step.description)
			if step.changed >= 0 {
				after := identity(data)
				for group := range envoyfilter.SharedGroups {
					if !slices.Contains(memberOf(changedShoot), group) {
						Expect(after[group]).To(Equal(before[group]), "%s: group %d, which the shoot is not in, rendered again", step.description, group)
					}
				}
				Expect(after).NotTo(Equal(before), "%s: nothing rendered again", step.description)
			}
			before = identity(data)
		}

		for _, change := range []func(gateway envoyfilter.Gateway) envoyfilter.Gateway{
			func(gateway envoyfilter.Gateway) envoyfilter.Gateway {
				gateway.Labels = map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway"}
				return gateway
			},
			func(gateway envoyfilter.Gateway) envoyfilter.Gateway {
				gateway.LegacyVPNListenerPort = 0
				return gateway
			},
			func(gateway envoyfilter.Gateway) envoyfilter.Gateway { gateway.SharedSNIChains = nil; return gateway },
		} {
			gateway = change(gateway)
			data, err := cache.Data(gateway, shoots)
			Expect(err).NotTo(HaveOccurred())
			Expect(data).To(Equal(fresh(gateway, shoots)))
		}
	})

	It("forgets the gateways it is told to", func() {
		cache := &envoyfilter.SharedDataCache{}
		gateway := envoyfilter.Gateway{Namespace: "istio-ingress", Labels: map[string]string{"app": "istio-ingressgateway"}}
		data, err := cache.Data(gateway, sharedShoots(3, 1))
		Expect(err).NotTo(HaveOccurred())
		cache.Forget(func(namespace string) bool { return namespace != "istio-ingress" })
		again, err := cache.Data(gateway, sharedShoots(3, 1))
		Expect(err).NotTo(HaveOccurred())
		Expect(again).To(Equal(data))
		Expect(identity(again)[0]).NotTo(Equal(identity(data)[0]), "a forgotten group renders again")
	})
})
