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
		// A group holds the configurations of one shard of the shared listeners and of the SNI shards it gathers;
		// rendering only the group with the most members gives the fullest secret (up to the lengths of the shoots'
		// names) at a fraction of the work (this suite also runs under the race detector).
		fullestGroup := 1
		for group := 1; group < envoyfilter.SharedGroups; group++ {
			if len(envoyfilter.SharedGroupMembers(gateway, shoots, group)) > len(envoyfilter.SharedGroupMembers(gateway, shoots, fullestGroup)) {
				fullestGroup = group
			}
		}
		fullest, err := envoyfilter.RenderSharedGroup(gateway, envoyfilter.SharedGroupMembers(gateway, shoots, fullestGroup), fullestGroup)
		Expect(err).NotTo(HaveOccurred())
		Expect(fullest).NotTo(BeEmpty())

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
		AddReportEntry("fullest shared secret at 1000 shoots x 50 entries x 4 hosts", fmt.Sprintf("group %d of %d: %d bytes of JSON, %d bytes stored", fullestGroup, envoyfilter.SharedGroups, fullestBytes, stored))
		Expect(stored).To(BeNumerically("<", maxSecretBytes/4))
	})
})
