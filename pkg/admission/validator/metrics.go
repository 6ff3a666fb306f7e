// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validator

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
)

// Results of an admission review, the values of the result label.
const (
	ResultAllowed = "allowed"
	ResultDenied  = "denied"
	ResultErrored = "errored"
)

// Metrics are the Prometheus metrics of the Shoot validator.
type Metrics struct {
	reviews  *prometheus.CounterVec
	duration *prometheus.HistogramVec
	warnings prometheus.Counter
}

// NewMetrics creates the validator's metrics and registers them; collectors that are registered already (a second
// handler in the same process) are shared.
func NewMetrics(registerer prometheus.Registerer) (*Metrics, error) {
	metrics := &Metrics{
		reviews: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: constants.MetricsNamespace,
			Subsystem: "admission",
			Name:      "reviews_total",
			Help:      "Admission reviews of Shoots by operation and result (allowed, denied: invalid ACL rules, errored: malformed request).",
		}, []string{"operation", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: constants.MetricsNamespace,
			Subsystem: "admission",
			Name:      "review_duration_seconds",
			Help:      "Time spent validating a Shoot, from decoding to the verdict.",
			Buckets:   []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5},
		}, []string{"operation"}),
		warnings: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: constants.MetricsNamespace,
			Subsystem: "admission",
			Name:      "warnings_total",
			Help:      "Admission warnings returned about ACL rules.",
		}),
	}

	var err error
	if metrics.reviews, err = register(registerer, metrics.reviews); err != nil {
		return nil, err
	}
	if metrics.duration, err = register(registerer, metrics.duration); err != nil {
		return nil, err
	}
	if metrics.warnings, err = register(registerer, metrics.warnings); err != nil {
		return nil, err
	}
	return metrics, nil
}

func register[T prometheus.Collector](registerer prometheus.Registerer, collector T) (T, error) {
	if err := registerer.Register(collector); err != nil {
		if already, ok := errors.AsType[prometheus.AlreadyRegisteredError](err); ok {
			if existing, ok := already.ExistingCollector.(T); ok {
				return existing, nil
			}
		}
		return collector, err
	}
	return collector, nil
}

func (m *Metrics) observe(operation admissionv1.Operation, result string, warnings int, took time.Duration) {
	m.reviews.WithLabelValues(string(operation), result).Inc()
	m.duration.WithLabelValues(string(operation)).Observe(took.Seconds())
	m.warnings.Add(float64(warnings))
}
