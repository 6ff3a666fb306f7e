// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"

	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/test/gardenerseed"
)

var _ = Describe("The monitoring objects on a seed of gardener v1.150", Ordered, func() {
	var (
		seed      []client.Object
		federated *monitoringv1alpha1.ScrapeConfig
		rules     *monitoringv1.PrometheusRule
	)
	prometheusNamed := func(name string) *monitoringv1.Prometheus {
		GinkgoHelper()
		for _, prometheus := range gardenerseed.OfType[*monitoringv1.Prometheus](seed) {
			if prometheus.Name == name && prometheus.Namespace == "garden" {
				return prometheus
			}
		}
		Fail("gardener deployed no Prometheus " + name)
		return nil
	}
	// selects tells whether a Prometheus picks up an object by its selector and namespace selector as
	// prometheus-operator reads them: a nil namespace selector means the Prometheus' own namespace only.
	selects := func(selector, namespaceSelector *metav1.LabelSelector, owner string, obj client.Object) bool {
		GinkgoHelper()
		if selector == nil {
			return false
		}
		objects, err := metav1.LabelSelectorAsSelector(selector)
		Expect(err).NotTo(HaveOccurred())
		if namespaceSelector == nil {
			return obj.GetNamespace() == owner && objects.Matches(k8slabels.Set(obj.GetLabels()))
		}
		// The extension's namespace carries no labels the selectors could rely on: only selecting all namespaces counts.
		Expect(namespaceSelector.MatchLabels).To(BeEmpty())
		Expect(namespaceSelector.MatchExpressions).To(BeEmpty())
		return objects.Matches(k8slabels.Set(obj.GetLabels()))
	}

	BeforeAll(func(ctx context.Context) {
		var err error
		seed, err = gardenerseed.Monitoring(ctx, gardenerseed.Seed{})
		Expect(err).NotTo(HaveOccurred())
		objects := aclcontroller.MonitoringObjects("extension-acl-x1y2z")
		federated, rules = objects[0].(*monitoringv1alpha1.ScrapeConfig), objects[1].(*monitoringv1.PrometheusRule)
	})

	It("are picked up by the aggregate Prometheus, the one that sends alerts, and not by the seed Prometheus", func() {
		aggregate, seedPrometheus := prometheusNamed("aggregate"), prometheusNamed("seed")
		Expect(selects(aggregate.Spec.RuleSelector, aggregate.Spec.RuleNamespaceSelector, "garden", rules)).To(BeTrue())
		Expect(selects(aggregate.Spec.ScrapeConfigSelector, aggregate.Spec.ScrapeConfigNamespaceSelector, "garden", federated)).To(BeTrue())
		Expect(selects(seedPrometheus.Spec.RuleSelector, seedPrometheus.Spec.RuleNamespaceSelector, "garden", rules)).To(BeFalse())
		Expect(selects(seedPrometheus.Spec.ScrapeConfigSelector, seedPrometheus.Spec.ScrapeConfigNamespaceSelector, "garden", federated)).To(BeFalse())
	})

	It("federate from exactly the seed Prometheus' web port, which its network policies let the aggregate Prometheus reach", func() {
		// The keep rule of the federation, applied as Prometheus does to every Service port discovered in garden.
		Expect(federated.Spec.KubernetesSDConfigs).To(HaveLen(1))
		Expect(federated.Spec.KubernetesSDConfigs[0].Namespaces.Names).To(ConsistOf("garden"))
		Expect(federated.Spec.RelabelConfigs).To(HaveLen(1))
		keep := federated.Spec.RelabelConfigs[0]
		Expect(keep.Action).To(Equal("keep"))
		anchored := regexp.MustCompile("^(?:" + keep.Regex + ")$")
		var kept []string
		var port corev1.ServicePort
		for _, service := range gardenerseed.OfType[*corev1.Service](seed) {
			if service.Namespace != "garden" {
				continue
			}
			for _, servicePort := range service.Spec.Ports {
				if anchored.MatchString(service.Name + ";" + servicePort.Name) {
					kept = append(kept, service.Name+":"+servicePort.Name)
					port = servicePort
				}
			}
		}
		Expect(kept).To(ConsistOf("prometheus-seed:web"))

		// gardener-resource-manager admits pods labelled to-all-seed-scrape-targets to the ports the Service lists in
		// its from-all-seed-scrape-targets annotation (docs/operations/network_policies.md).
		service := &corev1.Service{}
		for _, s := range gardenerseed.OfType[*corev1.Service](seed) {
			if s.Namespace == "garden" && s.Name == "prometheus-seed" {
				service = s
			}
		}
		Expect(service.Annotations).To(HaveKeyWithValue("networking.resources.gardener.cloud/from-all-seed-scrape-targets-allowed-ports",
			ContainSubstring(fmt.Sprintf(`"port":%d`, port.TargetPort.IntValue()))))
		Expect(prometheusNamed("aggregate").Spec.PodMetadata.Labels).To(HaveKeyWithValue("networking.resources.gardener.cloud/to-all-seed-scrape-targets", "allowed"))
		Expect(strings.Join(federated.Spec.Params["match[]"], "")).To(ContainSubstring("gardener_extension_acl_controller_"))
	})
})
