// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/gardener-community/gardener-extension-acl/test/pilot"
)

// gardenerMesh is istiod's mesh configuration as gardener v1.150 deploys it
// (pkg/component/networking/istio/charts/istio/istio-istiod/templates/configmap.yaml, namespace istio-system).
const gardenerMesh = `accessLogFile: "/dev/stdout"
ingressControllerMode: "OFF"
defaultServiceExportTo: ["~"]
defaultVirtualServiceExportTo: ["~"]
defaultDestinationRuleExportTo: ["~"]
defaultConfig:
  discoveryAddress: istiod.istio-system.svc:15012
defaultProviders:
  metrics:
  - prometheus
enablePrometheusMerge: true
rootNamespace: istio-system
trustDomain: cluster.local
`

func meshConfigMap() *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: "istio-system", Name: "istio"},
		Data:       map[string]string{"mesh": gardenerMesh, "meshNetworks": "networks: {}"},
	}
}

// exported sets the exportTo of the seed's Services, VirtualServices and DestinationRules to the ingress namespace,
// as gardener's components do (e.g. apiserverexposure's service.go and sni.go); with gardener's mesh configuration
// nothing is visible to the gateway otherwise.
func exported(objects []runtime.Object) []runtime.Object {
	for _, obj := range objects {
		switch o := obj.(type) {
		case *corev1.Service:
			metav1.SetMetaDataAnnotation(&o.ObjectMeta, "networking.istio.io/exportTo", ingressNamespace)
		case *istionetworkingv1beta1.VirtualService:
			o.Spec.ExportTo = []string{ingressNamespace}
		}
	}
	return objects
}

var _ = Describe("istiod's mesh configuration", func() {
	It("is read from the ConfigMap istio and changes what pilot generates", func() {
		config, err := pilot.Generate(append(exported(seedObjects()), meshConfigMap()), gateway())
		Expect(err).NotTo(HaveOccurred())
		Expect(config.MeshConfig).To(Equal("istio-system/istio"))
		Expect(config.Cluster(apiserverCluster)).NotTo(BeNil())

		// The metrics provider adds istio's stats filters, which Decide passes.
		c := chain(config, pilot.TLSConnection(9443, plutonoHost))
		httpFilters, err := pilot.HTTPFilters(c)
		Expect(err).NotTo(HaveOccurred())
		Expect(pilot.FilterNames(httpFilters)).To(ContainElement("istio.stats"))
		decision, err := config.Decide(c, from(deniedClient))
		Expect(err).NotTo(HaveOccurred())
		Expect(decision.Allowed).To(BeTrue())

		// Without exportTo, gardener's defaultServiceExportTo ["~"] hides the Service from the gateway.
		hidden := exported(seedObjects())
		for _, obj := range hidden {
			if svc, ok := obj.(*corev1.Service); ok && svc.Name == "kube-apiserver" {
				delete(svc.Annotations, "networking.istio.io/exportTo")
			}
		}
		config, err = pilot.Generate(append(hidden, meshConfigMap()), gateway())
		Expect(err).NotTo(HaveOccurred())
		Expect(config.Cluster(apiserverCluster)).To(BeNil())
		Expect(config.Warnings).To(BeEmpty())

		// Without exportTo on the VirtualService, the passthrough chains vanish, which Generate warns about.
		config, err = pilot.Generate(append(seedObjects(), meshConfigMap()), gateway())
		Expect(err).NotTo(HaveOccurred())
		Expect(config.Warnings).To(ConsistOf(
			"no filter chain serves host "+apiHost+` of server "" (port 443) of Gateway shoot--foo--bar/kube-apiserver`,
			"no filter chain serves host "+internalAPIHost+` of server "" (port 443) of Gateway shoot--foo--bar/kube-apiserver`,
			"no filter chain serves host "+wildcardHost+` of server "" (port 443) of Gateway garden/nginx-ingress`,
		))
		_, err = config.FilterChain(pilot.TLSConnection(9443, apiHost))
		Expect(err).To(MatchError(ContainSubstring("no chain matches")))
	})

	It("fails on two mesh configurations", func() {
		second := meshConfigMap()
		second.Namespace = "istio-other"
		_, err := pilot.Generate(append(seedObjects(), meshConfigMap(), second), gateway())
		Expect(err).To(MatchError(ContainSubstring("both have it")))
	})
})
