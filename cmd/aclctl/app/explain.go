// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"
	"go4.org/netipx"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/exposure"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
)

// ExplainResult is what explain prints with -o json or -o yaml.
type ExplainResult struct {
	TypeMeta `json:",inline"`
	// Input is the Shoot or providerConfig whose rules decide.
	Input Input `json:"input"`
	// Valid is false when the controller refuses the rules; then there are errors and no decisions.
	Valid bool `json:"valid"`
	// Mode is the rules' mode, Enforce or Audit; in Audit the decisions are what the rules would decide, which Envoy
	// counts (shadow_allowed, shadow_denied) without blocking anything.
	Mode string `json:"mode,omitempty"`
	// Allowed is true when every query is admitted.
	Allowed bool `json:"allowed"`
	// Decisions has one entry per --ip value, in the order given.
	Decisions []Decision `json:"decisions"`
	// Errors make the rules invalid.
	Errors []Finding `json:"errors"`
	// Warnings are the findings about valid rules.
	Warnings []Finding `json:"warnings"`
}

// Decision says whether the controller's filters admit one address or CIDR, and what decided.
type Decision struct {
	// Query is the address or CIDR asked about, in canonical form.
	Query string `json:"query"`
	// Allowed is true when every address of Query is admitted.
	Allowed bool `json:"allowed"`
	// Source is the always-admitted source that contains the address, when one does.
	Source *DecidingSource `json:"source,omitempty"`
	// Rule is the rule entry that decided, when one did.
	Rule *DecidingRule `json:"rule,omitempty"`
	// Reason is a sentence for people.
	Reason string `json:"reason"`
}

// DecidingSource is an always-admitted source.
type DecidingSource struct {
	// Name says where the source comes from, e.g. "shoot node network".
	Name string `json:"name"`
	// Prefix is the admitted prefix that contains the address.
	Prefix string `json:"prefix"`
}

// DecidingRule is a rule entry.
type DecidingRule struct {
	// Field is the field path of the entry.
	Field string `json:"field"`
	// Action is ALLOW or DENY.
	Action string `json:"action"`
	// Prefix is the prefix the entry is enforced as.
	Prefix string `json:"prefix"`
	// Written is the entry as written, when it differs from Prefix.
	Written string `json:"written,omitempty"`
}

func newExplainCommand(limits *validation.Limits) *cobra.Command {
	var (
		queries    []string
		additional []string
		format     outputFormat
	)
	command := &cobra.Command{
		Use:   "explain --ip ADDR|CIDR... FILE|DIR|-...",
		Short: "Tell whether the controller admits source addresses, and why",
		Long: `explain decides, for every --ip, whether the shoot's kube-apiserver admits it, as the seed controller's
filters do: the sources that are always admitted (the shoot's node networks and egress CIDRs from the Shoot's status,
and when given the Seed's node and pod networks, the Infrastructure's egress CIDRs, the seed's kube-system/shoot-info
ConfigMap and --additional-allowed-cidrs) and the compiled rules. Each answer starts with a line "ALLOWED <ip>" or
"DENIED <ip>", followed by the source or rule entry that decided and the reason. A CIDR is ALLOWED only when every
address in it is. Rules in Audit mode are decided as if enforced, after a line that says so. Findings go to standard
error. With -o json or -o yaml it prints one ExplainResult document (docs/usage.md) instead. Exit status 1 when any
--ip is denied.`,
		Example: `  aclctl explain --ip 203.0.113.7 shoot.yaml
  aclctl explain --ip 203.0.113.7 --ip 2001:db8::1 --ip 198.51.100.0/24 shoot.yaml seed.yaml
  aclctl explain --ip 2001:db8::1 providerconfig.yaml
  aclctl explain -o json --ip 203.0.113.7,198.51.100.1 shoot.yaml | jq '.decisions[] | select(.allowed | not)'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(command *cobra.Command, args []string) error {
			prefixes := make([]netip.Prefix, 0, len(queries))
			for _, query := range queries {
				prefix, err := parseQuery(query)
				if err != nil {
					return err
				}
				prefixes = append(prefixes, prefix)
			}

			var (
				checked *checkedConfig
				err     error
			)
			if format.structured() {
				checked, err = checkConfig(args, command.InOrStdin(), command.ErrOrStderr(), *limits)
			} else {
				checked, err = validatedConfig(args, command.InOrStdin(), command.ErrOrStderr(), *limits)
			}
			if err != nil {
				return err
			}
			result := ExplainResult{
				TypeMeta:  typeMeta("ExplainResult"),
				Input:     checked.in.outputInput(),
				Valid:     len(checked.Errors) == 0,
				Decisions: []Decision{},
				Errors:    errorFindings(checked.Errors),
				Warnings:  warningFindings(checked.Warnings),
			}
			if result.Valid {
				result.Mode = string(checked.Policy.Mode)
				alwaysAllowed, err := exposure.ReadAlwaysAllowed(exposure.Sources{
					Shoot: checked.in.versioned, Seed: checked.set.seed, Infrastructure: checked.set.infrastructureOf(checked.in),
					SeedShootInfo: checked.set.shootInfo, Additional: additional,
				})
				if err != nil {
					return err
				}
				result.Allowed = true
				for _, prefix := range prefixes {
					decision := decide(checked, alwaysAllowed, prefix)
					result.Allowed = result.Allowed && decision.Allowed
					result.Decisions = append(result.Decisions, decision)
				}
			}

			if format.structured() {
				if err := format.print(command.OutOrStdout(), result); err != nil {
					return err
				}
			} else {
				if checked.Policy != nil && checked.Policy.Audited() {
					fmt.Fprintf(command.OutOrStdout(), "mode: %s: the rules block nothing; DENIED is what they would refuse once enforced (counted as shadow_denied)\n\n", acl.ModeAudit)
				}
				for i, decision := range result.Decisions {
					if i > 0 {
						fmt.Fprintln(command.OutOrStdout())
					}
					decision.print(command.OutOrStdout())
				}
			}
			if err := checked.invalid(); err != nil {
				return err
			}
			if !result.Allowed {
				return errInvalid
			}
			return nil
		},
	}
	command.Flags().StringSliceVar(&queries, "ip", nil, "source addresses or CIDRs to decide (IPv4 or IPv6); repeat or separate with commas")
	command.Flags().StringSliceVar(&additional, "additional-allowed-cidrs", nil, "CIDRs that always reach every control plane, as configured on the controller")
	addOutputFlag(command, &format)
	_ = command.MarkFlagRequired("ip")
	return command
}

// parseQuery reads an --ip value: an address, or a CIDR.
func parseQuery(query string) (netip.Prefix, error) {
	if strings.Contains(query, "/") {
		prefix, err := netip.ParsePrefix(query)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("--ip %q is neither an IP address nor a CIDR: %w", query, err)
		}
		if prefix.Addr().Is4In6() {
			return netip.Prefix{}, fmt.Errorf("--ip %s is an IPv4-mapped IPv6 range: ask about the IPv4 range clients connect from", prefix)
		}
		return prefix.Masked(), nil
	}
	addr, err := netip.ParseAddr(query)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("--ip %q is not an IP address: %w", query, err)
	}
	if addr.Is4In6() {
		return netip.Prefix{}, fmt.Errorf("--ip %s is an IPv4-mapped IPv6 address: ask about %s, the address clients connect from", addr, addr.Unmap())
	}
	if addr.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("--ip %s has an IPv6 zone: ask about %s", addr, addr.WithZone(""))
	}
	return netip.PrefixFrom(addr, addr.BitLen()), nil
}

// decide decides about one address or CIDR.
func decide(checked *checkedConfig, alwaysAllowed exposure.AlwaysAllowed, query netip.Prefix) Decision {
	if query.IsSingleIP() {
		return decideAddress(checked, alwaysAllowed, query.Addr())
	}
	var builder netipx.IPSetBuilder
	for _, prefix := range checked.Policy.Prefixes() {
		builder.AddPrefix(prefix)
	}
	for _, prefix := range alwaysAllowed.Prefixes {
		builder.AddPrefix(prefix)
	}
	admitted, _ := builder.IPSet()
	decision := Decision{Query: query.String()}
	switch {
	case admitted.ContainsPrefix(query):
		decision.Allowed, decision.Reason = true, "every address of the range is admitted by the rules or is always admitted"
	case admitted.OverlapsPrefix(query):
		decision.Reason = "only part of the range is admitted; ask about single addresses to see which"
	default:
		decision.Reason = "no address of the range is admitted"
	}
	return decision
}

func decideAddress(checked *checkedConfig, alwaysAllowed exposure.AlwaysAllowed, addr netip.Addr) Decision {
	for i, prefix := range alwaysAllowed.Prefixes {
		if prefix.Contains(addr) {
			return Decision{
				Query: addr.String(), Allowed: true,
				Source: &DecidingSource{Name: alwaysAllowed.Names[i], Prefix: prefix.String()},
				Reason: "always admitted, whatever the rules say, so that the shoot keeps working",
			}
		}
	}

	config := enforcedConfig(checked)
	explained := policy.Explain(config, addr)
	decision := Decision{Query: addr.String(), Allowed: explained.Allowed, Reason: explained.Reason}
	if explained.Rule >= 0 {
		decision.Rule = &DecidingRule{
			Field:  checked.Decoded.CIDRPath(checked.root, explained.Rule, explained.Entry).String(),
			Action: string(config.Rules[explained.Rule].Action),
			Prefix: explained.Prefix,
		}
		if written := checked.Decoded.Config.Rules[explained.Rule].CIDRs[explained.Entry]; written != explained.Prefix {
			decision.Rule.Written = written
		}
	}
	return decision
}

// print prints the decision for people: "ALLOWED <query>" or "DENIED <query>", the source or rule entry that decided,
// and the reason.
func (d Decision) print(out io.Writer) {
	if d.Allowed {
		fmt.Fprintf(out, "ALLOWED %s\n", d.Query)
	} else {
		fmt.Fprintf(out, "DENIED %s\n", d.Query)
	}
	if d.Source != nil {
		fmt.Fprintf(out, "source: %s (%s)\n", d.Source.Name, d.Source.Prefix)
	}
	if d.Rule != nil {
		written := ""
		if d.Rule.Written != "" {
			written = fmt.Sprintf(", written %q", d.Rule.Written)
		}
		fmt.Fprintf(out, "rule: %s (%s %s%s)\n", d.Rule.Field, d.Rule.Action, d.Rule.Prefix, written)
	}
	fmt.Fprintf(out, "reason: %s\n", d.Reason)
}

// enforcedConfig returns the decoded rules with every entry written as the prefix the controller enforces it as, so
// that policy.Explain decides as the compiled filters do.
func enforcedConfig(checked *checkedConfig) *acl.ACLConfig {
	config := checked.Decoded.Config.DeepCopy()
	for i := range config.Rules {
		for j := range config.Rules[i].CIDRs {
			if i < len(checked.Enforced) && j < len(checked.Enforced[i]) && checked.Enforced[i][j].IsValid() {
				config.Rules[i].CIDRs[j] = checked.Enforced[i][j].String()
			}
		}
	}
	return config
}
