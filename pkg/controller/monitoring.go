// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"time"

	v1beta1constants "github.com/gardener/gardener/pkg/apis/core/v1beta1/constants"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	"github.com/gardener/gardener/pkg/component"
	"github.com/gardener/gardener/pkg/component/observability/monitoring/prometheus"
	"github.com/gardener/gardener/pkg/component/observability/monitoring/prometheus/aggregate"
	seedprometheus "github.com/gardener/gardener/pkg/component/observability/monitoring/prometheus/seed"
	monitoringutils "github.com/gardener/gardener/pkg/component/observability/monitoring/utils"
	"github.com/gardener/gardener/pkg/utils/managedresources"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
)

// MonitoringManagedResourceName is the name of the seed ManagedResource, in the controller's namespace, that holds
// the objects through which the seed's Prometheus instances and Plutono watch the extension (MonitoringObjects).
const MonitoringManagedResourceName = "extension-acl-monitoring"

// monitoringName names the extension's objects for gardener's Prometheus instances (after their "<prometheus>-").
const monitoringName = "extension-acl"

// seedDashboard is the seed Plutono dashboard of the extension (MonitoringObjects).
//
//go:embed monitoring-dashboard.json
var seedDashboard string

// Labels of the extension's alerts, in gardener's conventions (docs/monitoring/alerting.md and the alert routing of
// pkg/component/observability/monitoring/alertmanager/config.go, gardener v1.150.0): operator alerts of the seed.
var alertLabels = map[string]string{"service": monitoringName, "severity": "warning", "type": "seed", "visibility": "operator"}

// MonitoringObjects returns what the extension adds to the seed's monitoring, as gardener v1.150 selects it:
//   - a ScrapeConfig for the aggregate Prometheus, the seed's only Prometheus that sends alerts
//     (pkg/gardenlet/controller/seed/seed/components.go), which federates the controller's metrics from the seed
//     Prometheus, the one that scrapes extension pods (the PodMonitor "extensions" of
//     pkg/component/observability/monitoring/prometheus/seed/podmonitors.go) and sends no alerts;
//   - a PrometheusRule for the aggregate Prometheus with the alerts on operations failing for reasons of the seed, on
//     shoots whose nodes may be locked out (unknown egress) and on gateways where the rules restrict nothing (hidden
//     client addresses);
//   - the ConfigMap of a dashboard for the seed's Plutono, which loads dashboards labelled
//     dashboard.monitoring.gardener.cloud/seed from the garden namespace (pkg/component/observability/plutono).
//
// Gardener's Prometheus instances select objects by the label "prometheus: <name>" in every namespace
// (monitoringutils.ConfigObjectMeta), so the first two live in the controller's namespace.
func MonitoringObjects(namespace string) []client.Object {
	metricsSelector := fmt.Sprintf(`{__name__=~"%s_controller_.+"}`, constants.MetricsNamespace)
	federation := &monitoringv1alpha1.ScrapeConfig{
		ObjectMeta: monitoringutils.ConfigObjectMeta(monitoringName, namespace, aggregate.Label),
		Spec: monitoringv1alpha1.ScrapeConfigSpec{
			HonorLabels:     new(true),
			HonorTimestamps: new(false),
			MetricsPath:     new("/federate"),
			Params:          map[string][]string{"match[]": {metricsSelector}},
			KubernetesSDConfigs: []monitoringv1alpha1.KubernetesSDConfig{{
				Role:       monitoringv1alpha1.KubernetesRoleService,
				Namespaces: &monitoringv1alpha1.NamespaceDiscovery{Names: []string{v1beta1constants.GardenNamespace}},
			}},
			RelabelConfigs: []monitoringv1.RelabelConfig{{
				SourceLabels: []monitoringv1.LabelName{"__meta_kubernetes_service_name", "__meta_kubernetes_service_port_name"},
				Regex:        "prometheus-" + seedprometheus.Label + ";" + prometheus.ServicePorts().Web.Name,
				Action:       "keep",
			}},
		},
	}

	alert := func(name, expr, forDuration, summary, description string) monitoringv1.Rule {
		return monitoringv1.Rule{
			Alert:       name,
			Expr:        intstr.FromString(expr),
			For:         new(monitoringv1.Duration(forDuration)),
			Labels:      alertLabels,
			Annotations: map[string]string{"summary": summary, "description": description},
		}
	}
	rules := &monitoringv1.PrometheusRule{
		ObjectMeta: monitoringutils.ConfigObjectMeta(monitoringName, namespace, aggregate.Label),
		Spec: monitoringv1.PrometheusRuleSpec{Groups: []monitoringv1.RuleGroup{{
			Name: monitoringName + ".rules",
			Rules: []monitoringv1.Rule{
				alert("ACLExtensionOperationsFailing",
					`sum by (operation) (rate(`+constants.MetricsNamespace+`_controller_operations_total{result="`+resultError+`"}[10m])) > 0`, "30m",
					"Operations of the ACL extension keep failing.",
					"{{ $labels.operation }} operations of the ACL extension have failed for 30 minutes for reasons of the seed (rules a shoot's owner must fix are counted as "+resultRefused+" and do not alert): the filters of the affected shoots are not updated. The Extensions' status.lastError names the shoots and the cause."),
				alert("ACLShootEgressUnknown",
					`max by (shoot_namespace) (`+constants.MetricsNamespace+`_controller_egress_unknown) == 1`, "30m",
					"A shoot's nodes reach its control plane only if its ACL rules allow them.",
					"The shoot in {{ $labels.shoot_namespace }} has workers but no egress CIDRs are known: its nodes and VPN reach the kube-apiserver only if its rules allow their addresses. Check the Infrastructure's status.egressCIDRs, or add the addresses to --additional-allowed-cidrs."),
				alert("ACLClientAddressesHidden",
					`max by (shoot_namespace, ingress_namespace) (`+constants.MetricsNamespace+`_controller_client_addresses_hidden) == 1`, "30m",
					"An ingress gateway cannot see client addresses, so a shoot's ACL rules restrict nothing there.",
					"The ingress gateway in {{ $labels.ingress_namespace }} serves the shoot in {{ $labels.shoot_namespace }} but its load balancer replaces client addresses with seed node addresses, which are always admitted: the shoot's rules do not restrict clients that come through it. Enable the PROXY protocol or externalTrafficPolicy Local for the seed's load balancers."),
			},
		}}},
	}

	dashboard := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{
			Name:      "plutono-dashboard-" + monitoringName,
			Namespace: v1beta1constants.GardenNamespace,
			// Plutono's dashboard label on a seed is the prefix and the cluster type (clusterLabelKey in plutono.go).
			Labels: map[string]string{v1beta1constants.LabelPrefixMonitoringDashboard + string(component.ClusterTypeSeed): "true"},
		},
		Data: map[string]string{monitoringName + ".json": seedDashboard},
	}
	return []client.Object{federation, rules, dashboard}
}

// DeployMonitoring writes the seed ManagedResource that holds MonitoringObjects; gardener-resource-manager applies
// them. Writing the same objects again changes nothing (the secret is named by its content).
func DeployMonitoring(ctx context.Context, c client.Client, namespace string) error {
	registry := managedresources.NewRegistry(kubernetes.SeedScheme, kubernetes.SeedCodec, kubernetes.SeedSerializer)
	data, err := registry.AddAllAndSerialize(MonitoringObjects(namespace)...)
	if err != nil {
		return fmt.Errorf("failed to serialize the monitoring objects: %w", err)
	}
	if err := managedresources.CreateForSeed(ctx, c, namespace, MonitoringManagedResourceName, false, data); err != nil {
		return fmt.Errorf("failed to deploy the monitoring objects: %w", err)
	}
	return nil
}

// AddMonitoringToManager deploys the monitoring objects (DeployMonitoring) once the manager runs and is the leader,
// retrying until it succeeds: a seed whose monitoring is not reachable yet must not keep the controller from
// protecting shoots.
func AddMonitoringToManager(mgr manager.Manager, namespace string) error {
	if namespace == "" {
		return fmt.Errorf("failed to add the monitoring deployment: no namespace for its ManagedResource")
	}
	log := mgr.GetLogger().WithName("monitoring")
	return mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
		backoff := wait.Backoff{Duration: time.Second, Factor: 2, Steps: math.MaxInt32, Cap: 5 * time.Minute}
		for {
			err := DeployMonitoring(ctx, mgr.GetClient(), namespace)
			if err == nil {
				log.Info("Deployed the monitoring objects", "managedResource", MonitoringManagedResourceName)
				return nil
			}
			log.Error(err, "Failed to deploy the monitoring objects, retrying")
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(backoff.Step()):
			}
		}
	}))
}
