// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package gardenerseed_test

import (
	"bytes"
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
)

var _ = Describe("YAML export", func() {
	It("round-trips the objects of Istio and ControlPlane", func() {
		seed := gardenerseed.Seed{Zones: []string{"a", "b"}, WildcardCertificate: true, ProxyProtocol: ptr.To(true)}
		objects := append(istioObjects(seed), controlPlaneObjects(seed, gardenerseed.Shoot{Zone: "a", Logging: true, Alertmanager: true})...)

		var exported bytes.Buffer
		Expect(gardenerseed.WriteYAML(&exported, objects)).To(Succeed())
		read, err := gardenerseed.ReadYAML(bytes.NewReader(exported.Bytes()))
		Expect(err).NotTo(HaveOccurred())

		Expect(read).To(HaveLen(len(objects)))
		for i := range objects {
			Expect(read[i].GetObjectKind().GroupVersionKind()).To(Equal(objects[i].GetObjectKind().GroupVersionKind()))
			Expect(client.ObjectKeyFromObject(read[i])).To(Equal(client.ObjectKeyFromObject(objects[i])))
			// istio's types are protobuf messages, which only compare by their encoding.
			want, err := json.Marshal(objects[i])
			Expect(err).NotTo(HaveOccurred())
			got, err := json.Marshal(read[i])
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(MatchJSON(want), "%s %s", objects[i].GetObjectKind().GroupVersionKind().Kind, client.ObjectKeyFromObject(objects[i]))
		}

		var again bytes.Buffer
		Expect(gardenerseed.WriteYAML(&again, read)).To(Succeed())
		Expect(again.String()).To(Equal(exported.String()))
	})

	It("writes documents with apiVersion and kind, as kubectl get -o yaml does", func() {
		var exported bytes.Buffer
		objects := istioObjects(gardenerseed.Seed{})
		Expect(gardenerseed.WriteYAML(&exported, []client.Object{gardenerseed.OfType[*istionetworkingv1beta1.Gateway](objects)[0]})).To(Succeed())
		Expect(exported.String()).To(HavePrefix("apiVersion: networking.istio.io/v1beta1\nkind: Gateway\n"))
	})
})
