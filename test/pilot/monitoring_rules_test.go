// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package pilot_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/yaml"

	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/test/monitoringqueries"
)

// Prometheus' own rule and PromQL parsers (github.com/prometheus/prometheus, which istio brings into this nested
// module) read what the extension gives the seed's monitoring. They live here because the main module cannot take
// that dependency: it raises go.yaml.in/yaml/v4 to a version with which gardener's serializer writes YAML that
// gardener-resource-manager cannot read back (seen with the aggregate Prometheus' own rules).
var _ = Describe("The extension's alert rules and dashboard queries, read by Prometheus' parsers", func() {
	It("are valid rule groups and PromQL, as promtool check rules and Plutono's Prometheus queries need them", func() {
		queries, err := monitoringqueries.Of(aclcontroller.MonitoringObjects("extension-acl-x1y2z"))
		Expect(err).NotTo(HaveOccurred())
		promql := parser.NewParser(parser.Options{})

		Expect(queries.Rules).NotTo(BeEmpty())
		for _, spec := range queries.Rules {
			groups, err := yaml.Marshal(spec)
			Expect(err).NotTo(HaveOccurred())
			_, errs := rulefmt.Parse(groups, false, model.UTF8Validation, promql, nil)
			Expect(errs).To(BeEmpty(), string(groups))
		}
		Expect(queries.Expressions).NotTo(BeEmpty())
		for _, expression := range queries.Expressions {
			_, err := promql.ParseExpr(expression)
			Expect(err).NotTo(HaveOccurred(), expression)
		}
		_, err = promql.ParseMetricSelectors(queries.Federated)
		Expect(err).NotTo(HaveOccurred())
	})
})
