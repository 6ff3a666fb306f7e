// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package charts embeds the extension's Helm charts, so that the chart tests, the component tests and the generator of
// the registration examples all use exactly the shipped files.
package charts

import (
	"embed"
)

const (
	// ControllerChart is the path of the seed controller's chart in FS.
	ControllerChart = "gardener-extension-acl"
	// AdmissionChart is the path of the admission component's chart (with the application and runtime subcharts).
	AdmissionChart = "gardener-extension-admission-acl"
	// AdmissionApplicationChart is the subchart for the cluster that serves Shoots (the virtual garden).
	AdmissionApplicationChart = AdmissionChart + "/charts/application"
	// AdmissionRuntimeChart is the subchart for the cluster the admission component runs in.
	AdmissionRuntimeChart = AdmissionChart + "/charts/runtime"
)

// FS holds the charts.
//
//go:embed all:gardener-extension-acl all:gardener-extension-admission-acl
var FS embed.FS
