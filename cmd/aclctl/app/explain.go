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

func newExplainCommand(limits *validation.Limits) *cobra.Command {
	var (
		queries    []string
		additional []string
	)
	command := &cobra.Command{
		Use:   "explain --ip ADDR|CIDR... FILE|DIR|-...",
		Short: "Tell whether the controller admits source addresses, and why",
		Long: `explain decides, for every --ip, whether the shoot's kube-apiserver admits it, as the seed controller's
filters do: the sources that are always admitted (the shoot's node networks and egress CIDRs from the Shoot's status,
and when given the Seed's node and pod networks, the Infrastructure's egress CIDRs, the seed's kube-system/shoot-info
ConfigMap and --additional-allowed-cidrs) and the compiled rules. Each answer starts with a line "ALLOWED <ip>" or
"DENIED <ip>", followed by the source or rule entry that decided and the reason. A CIDR is ALLOWED only when every
address in it is. Findings go to standard error. Exit status 1 when any --ip is denied.`,
		Example: `  aclctl explain --ip 203.0.113.7 shoot.yaml
  aclctl explain --ip 203.0.113.7 --ip 2001:db8::1 --ip 198.51.100.0/24 shoot.yaml seed.yaml
  aclctl explain --ip 2001:db8::1 providerconfig.yaml`,
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

			checked, err := validatedConfig(args, command.InOrStdin(), command.ErrOrStderr(), *limits)
			if err != nil {
				return err
			}
			sources := exposure.Sources{
				Shoot: checked.in.versioned, Seed: checked.set.seed, Infrastructure: checked.set.infrastructure,
				SeedShootInfo: checked.set.shootInfo, Additional: additional,
			}
			alwaysAllowed, err := exposure.ReadAlwaysAllowed(sources)
			if err != nil {
				return err
			}
			denied := false
			for i, prefix := range prefixes {
				if i > 0 {
					fmt.Fprintln(command.OutOrStdout())
				}
				if !printDecision(command.OutOrStdout(), checked, alwaysAllowed, prefix) {
					denied = true
				}
			}
			if denied {
				return errInvalid
			}
			return nil
		},
	}
	command.Flags().StringSliceVar(&queries, "ip", nil, "source addresses or CIDRs to decide (IPv4 or IPv6); repeat or separate with commas")
	command.Flags().StringSliceVar(&additional, "additional-allowed-cidrs", nil, "CIDRs that always reach every control plane, as configured on the controller")
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

// printDecision prints the decision about one address or CIDR and reports whether it is admitted.
func printDecision(out io.Writer, checked *checkedConfig, alwaysAllowed exposure.AlwaysAllowed, query netip.Prefix) bool {
	if query.IsSingleIP() {
		return printAddressDecision(out, checked, alwaysAllowed, query.Addr())
	}
	var builder netipx.IPSetBuilder
	for _, prefix := range checked.Policy.Prefixes() {
		builder.AddPrefix(prefix)
	}
	for _, prefix := range alwaysAllowed.Prefixes {
		builder.AddPrefix(prefix)
	}
	admitted, _ := builder.IPSet()
	switch {
	case admitted.ContainsPrefix(query):
		fmt.Fprintf(out, "ALLOWED %s\nreason: every address of the range is admitted by the rules or is always admitted\n", query)
		return true
	case admitted.OverlapsPrefix(query):
		fmt.Fprintf(out, "DENIED %s\nreason: only part of the range is admitted; ask about single addresses to see which\n", query)
	default:
		fmt.Fprintf(out, "DENIED %s\nreason: no address of the range is admitted\n", query)
	}
	return false
}

func printAddressDecision(out io.Writer, checked *checkedConfig, alwaysAllowed exposure.AlwaysAllowed, addr netip.Addr) bool {
	for i, prefix := range alwaysAllowed.Prefixes {
		if prefix.Contains(addr) {
			fmt.Fprintf(out, "ALLOWED %s\nsource: %s (%s)\nreason: always admitted, whatever the rules say, so that the shoot keeps working\n", addr, alwaysAllowed.Names[i], prefix)
			return true
		}
	}

	config := enforcedConfig(checked)
	decision := policy.Explain(config, addr)
	if decision.Allowed {
		fmt.Fprintf(out, "ALLOWED %s\n", addr)
	} else {
		fmt.Fprintf(out, "DENIED %s\n", addr)
	}
	if decision.Rule >= 0 {
		path := checked.Decoded.CIDRPath(checked.root, decision.Rule, decision.Entry)
		written := checked.Decoded.Config.Rules[decision.Rule].CIDRs[decision.Entry]
		enforcedAs := ""
		if written != decision.Prefix {
			enforcedAs = fmt.Sprintf(", written %q", written)
		}
		fmt.Fprintf(out, "rule: %s (%s %s%s)\n", path, config.Rules[decision.Rule].Action, decision.Prefix, enforcedAs)
	}
	fmt.Fprintf(out, "reason: %s\n", decision.Reason)
	return decision.Allowed
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
