// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package admission contains the garden admission component of the ACL extension: a validating webhook that rejects
// malformed ACL rules when a Shoot is created or updated, so that shoot owners learn about them from the API
// response instead of a failed reconciliation.
package admission
