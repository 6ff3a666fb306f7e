// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package testenv starts the real API servers the integration tests run against: a kube-apiserver and etcd built
// from Go modules by hack/prepare-envtest.sh (found through KUBEBUILDER_ASSETS), with the CRDs that gardenlet
// installs into a seed, and gardener's GardenerTestEnvironment for tests that need a real gardener-apiserver.
package testenv
