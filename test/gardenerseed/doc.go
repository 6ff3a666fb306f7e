// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package gardenerseed produces the objects a gardener v1.150 seed holds for its istio ingress gateways and for a
// shoot's control plane by calling gardener's own code as gardenlet calls it: the istio component as the seed
// reconciler builds it (pkg/gardenlet/controller/seed/seed/components.go) and gardenlet's botanist for a shoot
// (pkg/gardenlet/operation/botanist). The components write into a controller-runtime fake client; the fixture reads
// back what they created, decodes their ManagedResources as gardener-resource-manager would apply them, and returns
// plain typed objects in a deterministic order. No API server is needed to produce them; Apply writes them into one.
package gardenerseed
