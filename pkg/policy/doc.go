// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package policy compiles ACL rules into the exact set of allowed source prefixes and explains, for a single
// address, which rule decides it. It is pure: the webhook, the controller and aclctl all call it.
//
// The allowed set is (the union of all ALLOW CIDRs, or every address when there is no ALLOW rule) minus the union of
// all DENY CIDRs. IPv4 and IPv6 are independent: a family no ALLOW rule mentions is denied as soon as any ALLOW rule
// exists.
package policy
