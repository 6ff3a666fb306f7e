// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"fmt"
	"io"
	"net/netip"

	"github.com/spf13/cobra"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
)

func newExplainCommand(limits *validation.Limits) *cobra.Command {
	var ip string
	command := &cobra.Command{
		Use:   "explain --ip ADDR FILE|-",
		Short: "Tell whether the rules allow a source address, and why",
		Long: `explain prints ALLOWED or DENIED on the first line and, after it, the rule entry that decided and the
reason. It decides exactly as the compiled prefix list does. Findings go to standard error.`,
		Example: `  aclctl explain --ip 203.0.113.7 shoot.yaml
  aclctl explain --ip 2001:db8::1 providerconfig.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(command *cobra.Command, args []string) error {
			addr, err := netip.ParseAddr(ip)
			if err != nil {
				return fmt.Errorf("--ip %q is not an IP address: %w", ip, err)
			}
			if addr.Is4In6() {
				return fmt.Errorf("--ip %s is an IPv4-mapped IPv6 address: ask about %s, the address clients connect from", addr, addr.Unmap())
			}
			if addr.Zone() != "" {
				return fmt.Errorf("--ip %s has an IPv6 zone: ask about %s", addr, addr.WithZone(""))
			}

			checked, err := validatedConfig(args[0], command.InOrStdin(), command.ErrOrStderr(), *limits)
			if err != nil {
				return err
			}
			printDecision(command.OutOrStdout(), checked, addr)
			return nil
		},
	}
	command.Flags().StringVar(&ip, "ip", "", "the source address to decide (IPv4 or IPv6)")
	_ = command.MarkFlagRequired("ip")
	return command
}

func printDecision(out io.Writer, checked *checkedConfig, addr netip.Addr) {
	config := checked.Decoded.Config
	decision := policy.Explain(config, addr)
	if decision.Allowed {
		fmt.Fprintln(out, "ALLOWED")
	} else {
		fmt.Fprintln(out, "DENIED")
	}
	if decision.Rule >= 0 {
		path := checked.Decoded.CIDRPath(checked.root, decision.Rule, decision.Entry)
		fmt.Fprintf(out, "rule: %s (%s %s)\n", path, config.Rules[decision.Rule].Action, decision.Prefix)
	}
	fmt.Fprintf(out, "reason: %s\n", decision.Reason)
}
