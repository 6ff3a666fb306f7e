// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package example embeds the example manifests, so that the component tests and the demo create exactly the shipped
// files in a real garden.
package example

import (
	"embed"
)

// FS holds the example manifests (*.yaml).
//
//go:embed *.yaml
var FS embed.FS
