// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package gardenerseed

import (
	"context"
	"fmt"

	v1beta1constants "github.com/gardener/gardener/pkg/apis/core/v1beta1/constants"
	"github.com/gardener/gardener/pkg/component/observability/monitoring/prometheus"
	aggregateprometheus "github.com/gardener/gardener/pkg/component/observability/monitoring/prometheus/aggregate"
	seedprometheus "github.com/gardener/gardener/pkg/component/observability/monitoring/prometheus/seed"
	sharedcomponent "github.com/gardener/gardener/pkg/component/shared"
	gardenerutils "github.com/gardener/gardener/pkg/utils/gardener"
	"github.com/go-logr/logr"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Monitoring returns what gardenlet deploys for the seed's seed and aggregate Prometheus instances (their Prometheus
// resources, Services and central configuration), from gardener's own component code. The values mirror
// newSeedPrometheus and newAggregatePrometheus of pkg/gardenlet/controller/seed/seed/components.go (gardener v1.150.0)
// line by line, except the aggregate Prometheus' ingress, which needs the seed's secrets manager, and its alerting,
// which needs an SMTP secret; neither changes which objects the instances select or whom they may scrape.
func Monitoring(ctx context.Context, s Seed) ([]client.Object, error) {
	var objects []client.Object
	err := withGlobals(s.featureGates(), func() error {
		env, err := newEnvironment(nil)
		if err != nil {
			return err
		}
		const seedIsGarden = false
		for _, values := range []prometheus.Values{
			{
				Name:              "seed",
				PriorityClassName: v1beta1constants.PriorityClassNameSeedSystem600,
				StorageCapacity:   resource.MustParse("100Gi"),
				Replicas:          1,
				RetentionSize:     "85GB",
				VPAMinAllowed:     &corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("400Mi")},
				HealthCheckBy:     prometheus.Gardenlet,
				AdditionalPodLabels: map[string]string{
					"networking.resources.gardener.cloud/to-" + v1beta1constants.LabelNetworkPolicySeedScrapeTargets:                  v1beta1constants.LabelNetworkPolicyAllowed,
					"networking.resources.gardener.cloud/to-extensions-" + v1beta1constants.LabelNetworkPolicySeedScrapeTargets:       v1beta1constants.LabelNetworkPolicyAllowed,
					gardenerutils.NetworkPolicyLabel(v1beta1constants.LabelNetworkPolicyShootNamespaceAlias+"-vpa-recommender", 8942): v1beta1constants.LabelNetworkPolicyAllowed,
				},
				CentralConfigs: prometheus.CentralConfigs{
					PodMonitors:     seedprometheus.CentralPodMonitors(),
					ScrapeConfigs:   seedprometheus.CentralScrapeConfigs(),
					PrometheusRules: seedprometheus.CentralPrometheusRules(),
				},
			},
			{
				Name:              "aggregate",
				PriorityClassName: v1beta1constants.PriorityClassNameSeedSystem600,
				StorageCapacity:   resource.MustParse("20Gi"),
				Replicas:          1,
				Retention:         new(monitoringv1.Duration("30d")),
				RetentionSize:     "15GB",
				ExternalLabels:    map[string]string{"seed": s.name()},
				VPAMinAllowed:     &corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1000M")},
				HealthCheckBy:     prometheus.Gardenlet,
				CentralConfigs: prometheus.CentralConfigs{
					PrometheusRules: aggregateprometheus.CentralPrometheusRules(seedIsGarden),
					ScrapeConfigs:   aggregateprometheus.CentralScrapeConfigs(),
					ServiceMonitors: aggregateprometheus.CentralServiceMonitors(),
				},
				AdditionalPodLabels: map[string]string{
					"networking.resources.gardener.cloud/to-" + v1beta1constants.LabelNetworkPolicySeedScrapeTargets:                                                                       v1beta1constants.LabelNetworkPolicyAllowed,
					"networking.resources.gardener.cloud/to-" + v1beta1constants.IstioSystemNamespace + "-" + v1beta1constants.LabelNetworkPolicySeedScrapeTargets:                         v1beta1constants.LabelNetworkPolicyAllowed,
					"networking.resources.gardener.cloud/to-" + v1beta1constants.LabelNetworkPolicyIstioIngressNamespaceAlias + "-" + v1beta1constants.LabelNetworkPolicySeedScrapeTargets: v1beta1constants.LabelNetworkPolicyAllowed,
					gardenerutils.NetworkPolicyLabel(v1beta1constants.LabelNetworkPolicyShootNamespaceAlias+"-prometheus-shoot", 9090):                                                     v1beta1constants.LabelNetworkPolicyAllowed,
				},
			},
		} {
			deployer, err := sharedcomponent.NewPrometheus(logr.Discard(), env.client, v1beta1constants.GardenNamespace, values)
			if err != nil {
				return fmt.Errorf("failed to create the %s Prometheus: %w", values.Name, err)
			}
			if err := deployer.Deploy(ctx); err != nil {
				return fmt.Errorf("failed to deploy the %s Prometheus: %w", values.Name, err)
			}
		}
		objects, err = env.objects(ctx)
		return err
	})
	return objects, err
}
