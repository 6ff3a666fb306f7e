// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package envoyfilter renders the Envoy configuration that enforces a shoot's compiled ACL policy on the seed's istio
// ingress gateways. It is pure: it builds go-control-plane types, so every filter it renders is checked against
// Envoy's own API (ValidateAll) before it becomes an EnvoyFilter patch, and the same input always renders the same
// output.
package envoyfilter
