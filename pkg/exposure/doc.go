// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package exposure reads, from the objects gardener maintains in a seed, how a shoot's kube-apiserver is exposed (which
// istio ingress gateways serve which of its hosts) and which sources must always reach it (seed and shoot networks,
// egress addresses). It is pure, so that the seed controller and 'aclctl render' derive the same rendering input.
package exposure
