// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package monitoringqueries collects the PromQL the extension hands to the seed's monitoring (its alert rules, the
// queries of its dashboard and the series its federation asks for), so that tests can check them against the metrics
// the controller exposes and against Prometheus' own parsers.
package monitoringqueries

import (
	"encoding/json"
	"fmt"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Queries are the PromQL of a set of monitoring objects.
type Queries struct {
	// Rules are the PrometheusRules' specs.
	Rules []monitoringv1.PrometheusRuleSpec
	// Expressions are the expressions of every rule and of every target of every dashboard panel.
	Expressions []string
	// Federated are the series selectors (match[]) of every ScrapeConfig that federates.
	Federated []string
}

// dashboard is the part of a Plutono dashboard that holds queries.
type dashboard struct {
	Panels []struct {
		Title   string `json:"title"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

// Of returns the queries of the objects: PrometheusRules, ScrapeConfigs and ConfigMaps of JSON dashboards (every key
// ending in .json). A panel without a query is an error.
func Of(objects []client.Object) (Queries, error) {
	var queries Queries
	for _, object := range objects {
		switch typed := object.(type) {
		case *monitoringv1.PrometheusRule:
			queries.Rules = append(queries.Rules, typed.Spec)
			for _, group := range typed.Spec.Groups {
				for _, rule := range group.Rules {
					queries.Expressions = append(queries.Expressions, rule.Expr.String())
				}
			}
		case *monitoringv1alpha1.ScrapeConfig:
			queries.Federated = append(queries.Federated, typed.Spec.Params["match[]"]...)
		case *corev1.ConfigMap:
			for key, content := range typed.Data {
				if !strings.HasSuffix(key, ".json") {
					continue
				}
				board := dashboard{}
				if err := json.Unmarshal([]byte(content), &board); err != nil {
					return Queries{}, fmt.Errorf("failed to read dashboard %s of ConfigMap %s: %w", key, typed.Name, err)
				}
				for _, panel := range board.Panels {
					if len(panel.Targets) == 0 {
						return Queries{}, fmt.Errorf("panel %q of dashboard %s has no query", panel.Title, key)
					}
					for _, target := range panel.Targets {
						queries.Expressions = append(queries.Expressions, target.Expr)
					}
				}
			}
		}
	}
	return queries, nil
}
