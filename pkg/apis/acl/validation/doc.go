// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package validation decodes and validates the ACL extension's providerConfig. It is the one implementation shared by
// the garden admission webhook, the seed controller and aclctl, so a rule is judged the same way everywhere: every
// finding carries the full field path of what the person wrote, errors and warnings are returned separately, and all
// of them are reported at once.
package validation
