// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package charts_test

import (
	"regexp"
	"strconv"
	"strings"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	seedprometheus "github.com/gardener/gardener/pkg/component/observability/monitoring/prometheus/seed"
	gardenerutils "github.com/gardener/gardener/pkg/utils/gardener"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/gardener-community/gardener-extension-acl/charts"
)

// relabel applies Prometheus relabel configurations to a target's labels as Prometheus does for the actions gardener's
// PodMonitors use (keep, replace; labelmap is left out, it only copies pod labels): source label values joined by
// the separator, the regex anchored at both ends, the replacement expanded with its capture groups. It returns the
// labels, or false when a keep action drops the target.
func relabel(labels map[string]string, configs []monitoringv1.RelabelConfig) (map[string]string, bool) {
	for _, config := range configs {
		separator := ";"
		if config.Separator != nil {
			separator = *config.Separator
		}
		values := make([]string, 0, len(config.SourceLabels))
		for _, source := range config.SourceLabels {
			values = append(values, labels[string(source)])
		}
		value := strings.Join(values, separator)
		regex := regexp.MustCompile("^(?:" + config.Regex + ")$")
		match := regex.FindStringSubmatchIndex(value)
		switch config.Action {
		case "keep":
			if match == nil {
				return nil, false
			}
		case "replace":
			if match == nil {
				continue
			}
			replacement := "$1"
			if config.Replacement != nil {
				replacement = *config.Replacement
			}
			labels[config.TargetLabel] = string(regex.ExpandString(nil, replacement, value, match))
		}
	}
	return labels, true
}

var _ = Describe("The seed controller's metrics", func() {
	It("are scraped by the seed Prometheus through gardener's PodMonitor for extensions, under the job gardener-extension-acl", func() {
		var extensions *monitoringv1.PodMonitor
		for _, monitor := range seedprometheus.CentralPodMonitors() {
			if monitor.Name == "extensions" {
				extensions = monitor
			}
		}
		Expect(extensions).NotTo(BeNil(), "gardener's seed Prometheus has no PodMonitor for extensions")
		Expect(extensions.Spec.NamespaceSelector.Any).To(BeTrue())
		Expect(extensions.Spec.PodMetricsEndpoints).To(HaveLen(1))

		// gardenlet deploys the chart into the namespace of the ControllerInstallation.
		installation := &gardencorev1beta1.ControllerInstallation{ObjectMeta: metav1.ObjectMeta{Name: "acl-6kxv2"}}
		namespace := gardenerutils.NamespaceNameForControllerInstallation(installation)
		objects := render(charts.ControllerChart, map[string]any{})
		deployment := object[*appsv1.Deployment](objects, "Deployment", releaseNamespace, "gardener-extension-acl")

		// The target as Kubernetes service discovery presents a pod: annotation names with every character that is
		// not allowed in a label name replaced by an underscore.
		target := map[string]string{"__meta_kubernetes_namespace": namespace, "__meta_kubernetes_pod_ip": "10.1.2.3"}
		sanitize := regexp.MustCompile(`[^a-zA-Z0-9_]`)
		for key, value := range deployment.Spec.Template.Annotations {
			target["__meta_kubernetes_pod_annotation_"+sanitize.ReplaceAllString(key, "_")] = value
		}
		scraped, kept := relabel(target, extensions.Spec.PodMetricsEndpoints[0].RelabelConfigs)
		Expect(kept).To(BeTrue(), "gardener's PodMonitor drops the pod: annotations %v in namespace %s", deployment.Spec.Template.Annotations, namespace)
		Expect(scraped).To(HaveKeyWithValue("job", "gardener-extension-acl"))

		var metricsPort int32
		for _, port := range deployment.Spec.Template.Spec.Containers[0].Ports {
			if port.Name == "metrics" {
				metricsPort = port.ContainerPort
			}
		}
		Expect(metricsPort).NotTo(BeZero())
		Expect(scraped).To(HaveKeyWithValue("__address__", "10.1.2.3:"+strings.TrimSpace(deployment.Spec.Template.Annotations["prometheus.io/port"])))
		Expect(deployment.Spec.Template.Annotations).To(HaveKeyWithValue("prometheus.io/port", strconv.Itoa(int(metricsPort))))
	})
})
