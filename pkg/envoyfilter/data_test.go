// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter_test

import (
	"cmp"
	"slices"

	"github.com/gardener/gardener/pkg/client/kubernetes"
	"github.com/gardener/gardener/pkg/utils/managedresources"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/protobuf/proto"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/test/benchinput"
	"github.com/gardener-community/gardener-extension-acl/test/managedresourcedata"
	"github.com/gardener-community/gardener-extension-acl/test/policytest"
)

// storedSize is the number of bytes a ManagedResource secret's data takes.
func storedSize(data map[string][]byte) int {
	size := 0
	for key, value := range data {
		size += len(key) + len(value)
	}
	return size
}

// registrySize is what gardener's managedresources.Registry stores for filters: the YAML that the controller stored
// before ManagedResourceData, compressed with brotli.
func registrySize(filters []*istionetworkingv1alpha3.EnvoyFilter) int {
	objects := make([]client.Object, 0, len(filters))
	for _, filter := range filters {
		objects = append(objects, filter)
	}
	data, err := managedresources.NewRegistry(kubernetes.SeedScheme, kubernetes.SeedCodec, kubernetes.SeedSerializer).AddAllAndSerialize(objects...)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return storedSize(data)
}

// shootWithEntries is dualStackInput with the n distinct ALLOW entries of issue #16's benchmarks, half IPv4 /24 and
// half IPv6 /64.
func shootWithEntries(n int) envoyfilter.Input {
	input := dualStackInput()
	compiled, err := policytest.Compile(&acl.ACLConfig{Type: acl.PrincipalTypeRemoteIP, Rules: []acl.Rule{{Action: acl.ActionAllow, CIDRs: benchinput.CIDRs(n)}}})
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	input.Policy = compiled
	return input
}

var _ = Describe("ManagedResourceData", func() {
	// Every kind of EnvoyFilter the controller deploys: a shoot's own filters on both layouts of the shared listeners,
	// and the groups of the shared listeners' slots of a seed with observability hosts.
	everyKind := func() [][]*istionetworkingv1alpha3.EnvoyFilter {
		var sets [][]*istionetworkingv1alpha3.EnvoyFilter
		for _, inline := range []bool{false, true} {
			input := shootWithEntries(50)
			for i := range input.Gateways {
				input.Gateways[i].InlineSharedListeners = inline
			}
			filters, err := envoyfilter.Render(input)
			Expect(err).NotTo(HaveOccurred())
			sets = append(sets, filters)
		}
		gateway := envoyfilter.Gateway{Namespace: "istio-ingress", Labels: map[string]string{"app": "istio-ingressgateway"}, LegacyVPNListenerPort: 8132, SharedSNIChains: []string{"*.ingress.seed.example.com"}}
		groups, err := envoyfilter.RenderSharedGroups(gateway, withObservabilityHosts(sharedShoots(40, 20)))
		Expect(err).NotTo(HaveOccurred())
		return append(sets, groups...)
	}

	It("holds exactly the filters, as gardener-resource-manager decodes them", func() {
		for _, filters := range everyKind() {
			data, err := envoyfilter.ManagedResourceData(filters)
			Expect(err).NotTo(HaveOccurred())
			decoded, err := managedresourcedata.EnvoyFilters(data)
			Expect(err).NotTo(HaveOccurred())
			Expect(decoded).To(HaveLen(len(filters)))
			// gardener-resource-manager applies them in the order of their namespaces and names.
			want := slices.SortedFunc(slices.Values(filters), func(a, b *istionetworkingv1alpha3.EnvoyFilter) int {
				return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
			})
			for i, want := range want {
				got := decoded[i]
				Expect(got.TypeMeta).To(Equal(want.TypeMeta))
				Expect(got.ObjectMeta).To(Equal(want.ObjectMeta))
				Expect(proto.Equal(&got.Spec, &want.Spec)).To(BeTrue(), "spec of %s/%s changed in the stored data:\n%v\n%v", want.Namespace, want.Name, &got.Spec, &want.Spec)
			}
		}
	})

	It("depends only on the filters, not on their order or the run", func() {
		filters, err := envoyfilter.Render(shootWithEntries(200))
		Expect(err).NotTo(HaveOccurred())
		Expect(filters).To(HaveLen(2))
		first, err := envoyfilter.ManagedResourceData(filters)
		Expect(err).NotTo(HaveOccurred())
		for range 20 {
			again, err := envoyfilter.Render(shootWithEntries(200))
			Expect(err).NotTo(HaveOccurred())
			slices.Reverse(again)
			data, err := envoyfilter.ManagedResourceData(again)
			Expect(err).NotTo(HaveOccurred())
			Expect(data).To(Equal(first))
		}
	})

	It("stores no more than gardener's managedresources.Registry, which the controller used before", func() {
		for _, entries := range []int{1, 50, 1000} {
			filters, err := envoyfilter.Render(shootWithEntries(entries))
			Expect(err).NotTo(HaveOccurred())
			data, err := envoyfilter.ManagedResourceData(filters)
			Expect(err).NotTo(HaveOccurred())
			Expect(storedSize(data)).To(BeNumerically("<=", registrySize(filters)), "%d entries", entries)
		}
		for i, group := range everyKind()[2:] {
			data, err := envoyfilter.ManagedResourceData(group)
			Expect(err).NotTo(HaveOccurred())
			Expect(storedSize(data)).To(BeNumerically("<=", registrySize(group)), "shared group %d", i)
		}
	})
})
