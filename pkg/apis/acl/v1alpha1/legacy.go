// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package v1alpha1

// LegacyACLConfig is the providerConfig of shoots created before the typed API existed: a bare object without
// apiVersion and kind that holds a single rule, e.g. {"rule": {"action": "ALLOW", "type": "remote_ip", "cidrs": [...]}}.
// It is not a kind of the scheme (it has no apiVersion to be recognised by); ToACLConfig converts it into the typed
// form, which the scheme then defaults and converts like any ACLConfig, so both forms share one set of defaults.
type LegacyACLConfig struct {
	// Rule is the single rule of the legacy form.
	Rule *LegacyRule `json:"rule"`
}

// LegacyRule is the rule of the legacy form. Unlike a typed Rule it carries the principal type, which the typed
// form sets once for all rules.
type LegacyRule struct {
	// Action is ALLOW or DENY, in any letter case.
	Action Action `json:"action"`
	// Type is the source address that Envoy matches, as ACLConfig's type.
	// +optional
	Type PrincipalType `json:"type,omitempty"`
	// CIDRs are IPv4 or IPv6 prefixes in canonical form, as a typed Rule's cidrs.
	CIDRs []string `json:"cidrs"`
}

// ToACLConfig converts the legacy form into the typed form with the same meaning: the rule's type becomes the type
// of the configuration and the rule its only rule. The result is not defaulted: the scheme does that, as for a typed
// ACLConfig. A LegacyACLConfig without a rule converts into an ACLConfig without rules.
func (in *LegacyACLConfig) ToACLConfig() *ACLConfig {
	out := &ACLConfig{}
	if in.Rule == nil {
		return out
	}
	out.Type = in.Rule.Type
	out.Rules = []Rule{{Action: in.Rule.Action, CIDRs: in.Rule.CIDRs}}
	return out
}
