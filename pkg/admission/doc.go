// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package admission holds the settings of the admission component's webhook server that are not about validation:
// HardenTLS, shared by the binary and the validator's server tests so that both serve the same TLS. The component's
// parts live in subpackages: the webhook that rejects malformed ACL rules when a Shoot is created or updated is in
// validator, its command line options are in cmd.
package admission
