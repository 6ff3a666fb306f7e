// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package envoyfilters reads the EnvoyFilters the extension renders as istiod hands them to Envoy, for tests that
// judge them without istio's pilot: a filter whose configuration comes by ECDS is paired with the EXTENSION_CONFIG of
// its name.
package envoyfilters
