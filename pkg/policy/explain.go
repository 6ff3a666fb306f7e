// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package policy

import (
	"net/netip"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
)

// Decision says whether an address is allowed and which entry decided it.
type Decision struct {
	// Allowed is true when the address is in the allowed set.
	Allowed bool
	// Rule and Entry index the CIDR that decided, or are -1 when no entry contains the address.
	Rule, Entry int
	// Prefix is the deciding CIDR as written in the rule, empty when no entry contains the address.
	Prefix string
	// Reason is a sentence for people, e.g. "denied by DENY rule 1 entry 0 (10.1.0.0/16); DENY wins over ALLOW".
	Reason string
}

// Explain decides an address exactly as the compiled Policy does, and names the first rule entry (in the order written) that
// decides it: a containing DENY entry if there is one, otherwise a containing ALLOW entry.
func Explain(config *acl.ACLConfig, addr netip.Addr) Decision {
	if rule, entry, ok := find(config, acl.ActionDeny, addr); ok {
		return Decision{
			Rule: rule, Entry: entry, Prefix: config.Rules[rule].CIDRs[entry],
			Reason: "denied by a DENY rule; DENY wins over ALLOW whatever the order of the rules",
		}
	}

	hasAllow := false
	for _, rule := range config.Rules {
		hasAllow = hasAllow || rule.Action == acl.ActionAllow
	}
	if !hasAllow {
		return Decision{Allowed: true, Rule: -1, Entry: -1, Reason: "allowed: there is no ALLOW rule, so every source that no DENY rule contains is allowed"}
	}

	if rule, entry, ok := find(config, acl.ActionAllow, addr); ok {
		return Decision{Allowed: true, Rule: rule, Entry: entry, Prefix: config.Rules[rule].CIDRs[entry], Reason: "allowed by an ALLOW rule"}
	}
	return Decision{Rule: -1, Entry: -1, Reason: "denied: ALLOW rules exist and none of them contains the address"}
}

// find returns the first entry of a rule with the given action that contains addr.
func find(config *acl.ACLConfig, action acl.Action, addr netip.Addr) (int, int, bool) {
	for i, rule := range config.Rules {
		if rule.Action != action {
			continue
		}
		for j, entry := range rule.CIDRs {
			prefix, err := netip.ParsePrefix(entry)
			if err == nil && prefix.Masked().Contains(addr) {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}
