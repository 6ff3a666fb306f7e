// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package gardenerseed produces the objects a gardener v1.150 seed holds for its istio ingress gateways and for a
// shoot's control plane by calling gardener's own code as gardenlet calls it: the istio component as the seed
// reconciler builds it (pkg/gardenlet/controller/seed/seed/components.go) and gardenlet's botanist for a shoot
// (pkg/gardenlet/operation/botanist). The components write into a controller-runtime fake client; the fixture reads
// back what they created, decodes their ManagedResources as gardener-resource-manager would apply them, and returns
// plain typed objects in a deterministic order. No API server is needed to produce them; Apply writes them into one.
//
// What is gardener's own code and what stands in for the rest:
//   - Istio calls sharedcomponent.NewIstio, AddIstioIngressGateway and the istio component's Deploy with the values
//     newIstio computes; newIstio itself is a method of the seed reconciler and is mirrored line by line (seed.go).
//   - ControlPlane builds gardenlet's Operation from gardener's builders and defaults (shoot.NewBuilder,
//     SetObjectDefaults_GardenletConfiguration, seed.Seed) and calls the botanist's Default*/Deploy* methods in the
//     order of the shoot reconciliation flow, which is written out by hand (shoot.go).
//   - Inputs stand in for what the API server, the cloud provider and components outside the fixture provide: the
//     control plane Namespace's UID, the kube-apiserver Service's cluster IP, the kube-apiserver's server certificate
//     Secret, a ready gardener-resource-manager Deployment, the load balancer address of the istio ingress Service and
//     the seed's wildcard certificate Secret. They are only part of a result if a gardener component wrote them.
//   - gardener-resource-manager is simulated: ManagedResources of class seed are applied to the fake seed and reported
//     healthy as soon as they are written; ManagedResources for the shoot cluster are ignored.
//   - Secrets come from gardener's fake secrets manager with the fake key generator of gardener's own tests, and their
//     data values are blanked in the results.
//
// gardenlet's feature gates and gardener's key generator are process-global: the fixtures set them for the duration
// of a call and serialise their calls.
package gardenerseed
