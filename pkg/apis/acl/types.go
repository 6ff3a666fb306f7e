// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package acl

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ACLConfig restricts the source addresses that may reach a shoot's control plane.
type ACLConfig struct {
	metav1.TypeMeta

	// Type is the source address that Envoy matches against the compiled rules.
	Type PrincipalType
	// Mode is Enforce (the rules decide who reaches the control plane) or Audit (they are evaluated and counted, and
	// block nothing).
	Mode Mode
	// Rules are the ALLOW and DENY rules. DENY always wins over ALLOW, whatever the order.
	Rules []Rule
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ACLStatus is what the controller reports in the status.providerStatus of a shoot's Extension of type acl.
type ACLStatus struct {
	metav1.TypeMeta

	// Mode is the mode the rules are deployed in.
	Mode Mode
	// IPv4Prefixes counts the IPv4 prefixes the rules compile to, before the always-allowed sources are added.
	IPv4Prefixes int
	// IPv6Prefixes counts the IPv6 prefixes the rules compile to.
	IPv6Prefixes int
	// Hash identifies the effective rule set: equal hashes mean the same allowed sources.
	Hash string
	// EgressUnknown is set when the shoot has workers but no egress CIDRs are known.
	EgressUnknown bool
	// ClientAddressesHidden lists the namespaces of ingress gateways that serve the shoot but cannot see client
	// addresses, so the rules do not restrict clients that come through them.
	ClientAddressesHidden []string
	// Warnings are the findings about the rules ("<field path>: <message>").
	Warnings []string
}

// Rule allows or denies a list of CIDRs.
type Rule struct {
	// Action is ALLOW or DENY.
	Action Action
	// CIDRs are IPv4 or IPv6 prefixes in canonical form.
	CIDRs []string
}

// Action says whether a rule's CIDRs are allowed or denied.
type Action string

const (
	// ActionAllow adds the rule's CIDRs to the allowed set.
	ActionAllow Action = "ALLOW"
	// ActionDeny removes the rule's CIDRs from the allowed set.
	ActionDeny Action = "DENY"
)

// Mode says whether a shoot's rules are enforced or only audited.
type Mode string

const (
	// ModeEnforce lets only the allowed sources reach the control plane.
	ModeEnforce Mode = "Enforce"
	// ModeAudit evaluates and counts the rules as Envoy's shadow rules without blocking anything.
	ModeAudit Mode = "Audit"
)

// PrincipalType is the kind of source address Envoy matches, named after Envoy's RBAC principal fields.
type PrincipalType string

const (
	// PrincipalTypeRemoteIP matches the client address after Envoy considered the PROXY protocol and X-Forwarded-For
	// (the original client of a load balancer that proxies).
	PrincipalTypeRemoteIP PrincipalType = "remote_ip"
	// PrincipalTypeDirectRemoteIP matches the address of the peer that opened the connection to Envoy.
	PrincipalTypeDirectRemoteIP PrincipalType = "direct_remote_ip"
	// PrincipalTypeSourceIP matches the downstream address honouring the PROXY protocol but not X-Forwarded-For
	// (Envoy's deprecated source_ip, envoy/config/rbac/v3/rbac.proto; not an alias of direct_remote_ip). It is
	// accepted for compatibility.
	PrincipalTypeSourceIP PrincipalType = "source_ip"
)

// Actions lists every valid action, in the order used in messages.
var Actions = []Action{ActionAllow, ActionDeny}

// Modes lists every valid mode, in the order used in messages.
var Modes = []Mode{ModeEnforce, ModeAudit}

// PrincipalTypes lists every valid principal type, in the order used in messages.
var PrincipalTypes = []PrincipalType{PrincipalTypeRemoteIP, PrincipalTypeDirectRemoteIP, PrincipalTypeSourceIP}
