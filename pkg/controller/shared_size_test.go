// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"encoding/json"
	"fmt"
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
)

var _ = Describe("The shared ManagedResource's secrets", func() {
	// maxSecretBytes is the most data a Secret holds (corev1.MaxSecretSize).
	const maxSecretBytes = 1024 * 1024

	It("each stay within a Secret's 1 MiB at 1000 ACL shoots with 50 entries and four observability hosts on one gateway", func() {
		gateway := envoyfilter.Gateway{
			Namespace: "istio-ingress", Labels: map[string]string{"app": "istio-ingressgateway"}, LegacyVPNListenerPort: 8132,
			SharedSNIChains: []string{"*.ingress.seed.example.com"},
		}
		var shoots []envoyfilter.SharedShoot
		for i := range 1000 {
			shoot := envoyfilter.SharedShoot{TechnicalID: fmt.Sprintf("shoot--project%d--shoot%d", i%50, i), PrincipalType: acl.PrincipalTypeRemoteIP}
			for e := range 50 {
				shoot.Allowed = append(shoot.Allowed, netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(11 + e/256), byte(e % 256), byte(i % 256), 0}), 24))
			}
			for _, prefix := range []string{"au", "gu", "p", "v"} {
				shoot.SNIHosts = append(shoot.SNIHosts, fmt.Sprintf("%s-project%d--shoot%d.ingress.seed.example.com", prefix, i%50, i))
			}
			shoots = append(shoots, shoot)
		}
		// A group holds the configurations of one shard of the shared listeners and of the SNI shards it gathers
		// (RenderSharedGroups); rendering only the shoots of the group with the most of them gives the fullest secret (up
		// to the lengths of the shoots' names) at a fraction of the work (this suite also runs under the race detector).
		inGroup := func(group int) []envoyfilter.SharedShoot {
			var members []envoyfilter.SharedShoot
			for _, shoot := range shoots {
				if envoyfilter.Shard(shoot.TechnicalID) == group || envoyfilter.SNIShard(shoot.TechnicalID)%envoyfilter.SharedListenerShards == group {
					members = append(members, shoot)
				}
			}
			return members
		}
		fullestGroup := 0
		for group := range envoyfilter.SharedListenerShards {
			if len(inGroup(group)) > len(inGroup(fullestGroup)) {
				fullestGroup = group
			}
		}
		groups, err := envoyfilter.RenderSharedGroups(gateway, inGroup(fullestGroup))
		Expect(err).NotTo(HaveOccurred())
		Expect(groups).To(HaveLen(1 + envoyfilter.SharedListenerShards))

		fullest := groups[1+fullestGroup]
		fullestBytes := 0
		for _, filter := range fullest {
			raw, err := json.Marshal(filter)
			Expect(err).NotTo(HaveOccurred())
			fullestBytes += len(raw)
		}
		// As the gateway reconciler stores them.
		data, err := envoyfilter.ManagedResourceData(fullest)
		Expect(err).NotTo(HaveOccurred())
		stored := 0
		for _, value := range data {
			stored += len(value)
		}
		AddReportEntry("fullest shared secret at 1000 shoots x 50 entries x 4 hosts", fmt.Sprintf("group %d of %d: %d bytes of JSON, %d bytes stored", 1+fullestGroup, len(groups), fullestBytes, stored))
		Expect(stored).To(BeNumerically("<", maxSecretBytes/4))
	})
})
