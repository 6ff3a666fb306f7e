// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package benchinput builds the inputs of the end-to-end benchmarks that issue #16 compares with the existing ACL
// extension for gardener: N distinct CIDRs, half IPv4 /24 and half IPv6 /64, in the legacy single-rule providerConfig
// that both extensions read, as providerConfig bytes and as the AdmissionReview of a Shoot that carries it. The same
// bytes are fed to the existing extension when both are measured side by side (docs/performance.md).
package benchinput
