// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ACLConfig restricts the source addresses that may reach a shoot's control plane. It is written into the
// providerConfig of the Shoot's extension of type acl.
type ACLConfig struct {
	metav1.TypeMeta `json:",inline"`

	// Type is the source address that Envoy matches against the compiled rules: remote_ip (default; the original
	// client, honouring the PROXY protocol and trusted X-Forwarded-For), direct_remote_ip (the peer of the connection)
	// or source_ip (deprecated in Envoy; the downstream address honouring the PROXY protocol but not X-Forwarded-For,
	// envoy/config/rbac/v3/rbac.proto). Any letter case is accepted.
	// +optional
	Type PrincipalType `json:"type,omitempty"`
	// Mode is Enforce (default: the rules decide who reaches the control plane) or Audit (the rules are evaluated and
	// counted as Envoy's shadow rules, and block nothing: every source reaches the control plane). Switching from one
	// to the other is a rule change like any other; it never changes a listener of the ingress gateways.
	// +optional
	Mode Mode `json:"mode,omitempty"`
	// Rules are the ALLOW and DENY rules. The allowed set is the union of all ALLOW CIDRs (or every address when there
	// is no ALLOW rule) minus the union of all DENY CIDRs, whatever the order of the rules.
	Rules []Rule `json:"rules"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ACLStatus is what the controller reports in the status.providerStatus of a shoot's Extension of type acl. It is typed
// like the providerConfig, so that clients can tell its version as for any other extension's status.
type ACLStatus struct {
	metav1.TypeMeta `json:",inline"`

	// Mode is the mode the rules are deployed in: Enforce, or Audit while they block nothing.
	// +optional
	Mode Mode `json:"mode,omitempty"`
	// IPv4Prefixes counts the IPv4 prefixes the rules compile to, before the always-allowed sources are added.
	IPv4Prefixes int `json:"ipv4Prefixes"`
	// IPv6Prefixes counts the IPv6 prefixes the rules compile to.
	IPv6Prefixes int `json:"ipv6Prefixes"`
	// Hash identifies the effective rule set: equal hashes mean the same allowed sources.
	Hash string `json:"hash"`
	// EgressUnknown is set when the shoot has workers but no egress CIDRs are known, so its nodes reach the control
	// plane only if the rules allow them.
	// +optional
	EgressUnknown bool `json:"egressUnknown,omitempty"`
	// ClientAddressesHidden lists the namespaces of ingress gateways that serve the shoot but cannot see client
	// addresses: their load balancer replaces them with seed node addresses, which are always admitted, so the rules
	// do not restrict clients that come through them.
	// +optional
	ClientAddressesHidden []string `json:"clientAddressesHidden,omitempty"`
	// Warnings are the findings about the rules ("<field path>: <message>", as the webhook returns them), e.g. entries
	// that are enforced other than written because the webhook admitted them before it refused such entries.
	// +optional
	Warnings []string `json:"warnings,omitempty"`
}

// Rule allows or denies a list of CIDRs.
type Rule struct {
	// Action is ALLOW or DENY, in any letter case.
	Action Action `json:"action"`
	// CIDRs are IPv4 or IPv6 prefixes in canonical form, e.g. 10.250.0.0/16 or 2001:db8::/32.
	CIDRs []string `json:"cidrs"`
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
	// ModeAudit evaluates and counts the rules without blocking anything.
	ModeAudit Mode = "Audit"
)

// PrincipalType is the kind of source address Envoy matches, named after Envoy's RBAC principal fields.
type PrincipalType string

const (
	// PrincipalTypeRemoteIP matches the original client address (PROXY protocol and X-Forwarded-For considered).
	PrincipalTypeRemoteIP PrincipalType = "remote_ip"
	// PrincipalTypeDirectRemoteIP matches the address of the peer that opened the connection to Envoy.
	PrincipalTypeDirectRemoteIP PrincipalType = "direct_remote_ip"
	// PrincipalTypeSourceIP matches the downstream address honouring the PROXY protocol but not X-Forwarded-For
	// (Envoy's deprecated source_ip; not an alias of direct_remote_ip).
	PrincipalTypeSourceIP PrincipalType = "source_ip"
)
