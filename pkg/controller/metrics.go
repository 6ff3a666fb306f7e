// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"slices"

	v1beta1helper "github.com/gardener/gardener/pkg/api/core/v1beta1/helper"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
)

// shootNamespaceLabel is the label of the shoot's control plane namespace on the controller's per-shoot metrics. It is
// not "namespace": prometheus-operator gives every target of a PodMonitor the label namespace, the namespace of the
// scraped pod (generatePodMonitorConfig in pkg/prometheus/promcfg.go), and Prometheus then renames a metric's own
// namespace label to exported_namespace, so the seed Prometheus would see every shoot under the extension's namespace.
const shootNamespaceLabel = "shoot_namespace"

// Results of an actuator operation, the values of the result label.
const (
	resultSuccess = "success"
	// resultRefused is an operation refused for a problem of the shoot's configuration, its owner's to fix (gardener's
	// ERR_CONFIGURATION_PROBLEM, e.g. invalid rules): not a fault of the seed or the extension.
	resultRefused = "refused"
	resultError   = "error"
)

var (
	operationsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: constants.MetricsNamespace,
		Subsystem: "controller",
		Name:      "operations_total",
		Help:      "Operations of the ACL actuator by operation (reconcile, delete, migrate, restore) and result (success, refused: the shoot's configuration is invalid, error).",
	}, []string{"operation", "result"})

	renderedPrefixes = shootGauge("rendered_prefixes",
		"Prefixes a shoot's EnvoyFilters admit, by shoot control plane namespace and address family, always-allowed sources included.", "family")
	clientAddressesHidden = shootGauge("client_addresses_hidden",
		"1 when an ingress gateway that serves the shoot cannot see client addresses (externalTrafficPolicy Cluster without PROXY protocol), so its rules cannot tell clients apart; by shoot control plane namespace and ingress gateway namespace.", "ingress_namespace")
	egressUnknown = shootGauge("egress_unknown",
		"1 when the shoot has workers but no egress CIDRs are known, so its nodes reach the control plane only if its rules allow them; by shoot control plane namespace.")
	audited = shootGauge("audited",
		"1 when the shoot's rules are in Audit mode: counted, blocking nothing; by shoot control plane namespace.")

	// shootGauges are the gauges with series per shoot, which forgetMetrics removes when the shoot leaves.
	shootGauges = []*prometheus.GaugeVec{renderedPrefixes, clientAddressesHidden, egressUnknown, audited}
)

// shootGauge returns a controller gauge with series per shoot: its first label is the shoot's control plane namespace
// (shootNamespaceLabel), followed by the given labels.
func shootGauge(name, help string, labels ...string) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: constants.MetricsNamespace,
		Subsystem: "controller",
		Name:      name,
		Help:      help,
	}, append([]string{shootNamespaceLabel}, labels...))
}

func init() {
	metrics.Registry.MustRegister(operationsTotal)
	for _, gauge := range shootGauges {
		metrics.Registry.MustRegister(gauge)
	}
}

// observe counts an operation and passes its error on.
func observe(operation string, err error) error {
	result := resultSuccess
	switch {
	case err == nil:
	case slices.Contains(v1beta1helper.ExtractErrorCodes(err), gardencorev1beta1.ErrorConfigurationProblem):
		result = resultRefused
	default:
		result = resultError
	}
	operationsTotal.WithLabelValues(operation, result).Inc()
	return err
}
