// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package policytest compiles ACL configurations for tests through the same path as the webhook and the controller,
// so that tests judge the policies the extension really enforces and not those of a parser of their own.
package policytest
