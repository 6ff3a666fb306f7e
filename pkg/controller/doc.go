// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package controller contains the seed extension controller of the ACL extension: it reconciles Extension resources
// of type acl, judges the rules with the same validation as the admission webhook, and deploys the EnvoyFilters that
// enforce them through a seed ManagedResource. Its gateway reconciler deploys, per istio ingress gateway, the shared
// listeners' slot filters of all ACL shoots the gateway serves (envoyfilter.RenderShared), computed with the same code.
package controller
