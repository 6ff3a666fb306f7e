// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"fmt"
	"io"
	"net/netip"

	"github.com/spf13/cobra"
	"go4.org/netipx"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
)

// DiffResult is what diff prints with -o json or -o yaml.
type DiffResult struct {
	TypeMeta `json:",inline"`
	// Old and New are the compiled rules before and after.
	Old DiffSide `json:"old"`
	// New is the compiled rules after the change.
	New DiffSide `json:"new"`
	// Gained are the prefixes New admits and Old does not, minimal and sorted, IPv4 first.
	Gained []string `json:"gained"`
	// Lost are the prefixes Old admits and New does not.
	Lost []string `json:"lost"`
}

// DiffSide is one side of a diff.
type DiffSide struct {
	// Input is the Shoot or providerConfig.
	Input Input `json:"input"`
	// Valid is false when the controller refuses the rules; then there is no diff.
	Valid bool `json:"valid"`
	// Type is the source address Envoy matches.
	Type string `json:"type,omitempty"`
	// Mode is Enforce or Audit: in Audit the rules block nothing, whatever they admit.
	Mode string `json:"mode,omitempty"`
	// Hash is the value the controller reports in providerStatus.hash.
	Hash string `json:"hash,omitempty"`
	// Errors make the rules invalid.
	Errors []Finding `json:"errors"`
	// Warnings are the findings about valid rules.
	Warnings []Finding `json:"warnings"`
}

func newDiffCommand(limits *validation.Limits) *cobra.Command {
	var (
		oldFile string
		format  outputFormat
	)
	command := &cobra.Command{
		Use:   "diff --old OLD FILE|DIR|-...",
		Short: "List the sources a change of the rules gains and loses",
		Long: `diff compiles the rules of OLD and of the new Shoot or providerConfig as compile does (as the seed controller
enforces them) and prints the source prefixes the change admits in addition, "+ <prefix>", and those it no longer
admits, "- <prefix>", minimal and sorted, IPv4 first. No output means the rules admit the same sources; a change of
the mode (Enforce, Audit) or of the source address Envoy matches is noted on standard error. The sources
that are always admitted (seed, shoot nodes, --additional-allowed-cidrs) are not part of the rules and not compared.
Findings of either side go to standard error after a line "==> <which one>". With -o json or -o yaml it prints one
DiffResult document (docs/usage.md) instead. Exit status 1 when either side is invalid.`,
		Example: `  kubectl get shoot my-shoot -o yaml > live.yaml
  aclctl diff --old live.yaml shoot.yaml
  aclctl diff -o json --old live.yaml shoot.yaml | jq -r '.lost[]'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(command *cobra.Command, args []string) error {
			errOut := command.ErrOrStderr()
			old, err := checkConfig([]string{oldFile}, command.InOrStdin(), errOut, *limits)
			if err != nil {
				return err
			}
			current, err := checkConfig(args, command.InOrStdin(), errOut, *limits)
			if err != nil {
				return err
			}
			result := DiffResult{TypeMeta: typeMeta("DiffResult"), Old: diffSide(old), New: diffSide(current), Gained: []string{}, Lost: []string{}}
			if old.Policy != nil && current.Policy != nil {
				gained, lost, err := diffPolicies(old.Policy, current.Policy)
				if err != nil {
					return err
				}
				result.Gained, result.Lost = prefixStrings(gained), prefixStrings(lost)
			}

			if format.structured() {
				if err := format.print(command.OutOrStdout(), result); err != nil {
					return err
				}
			} else {
				printDiff(command.OutOrStdout(), errOut, old, current, result)
			}
			if err := old.invalid(); err != nil {
				return err
			}
			return current.invalid()
		},
	}
	command.Flags().StringVar(&oldFile, "old", "", "the rules before the change: a Shoot or a bare providerConfig, like FILE")
	_ = command.MarkFlagRequired("old")
	addOutputFlag(command, &format)
	return command
}

// diffPolicies returns the prefixes the new policy admits and the old does not, and those the old admits and the
// new does not.
func diffPolicies(old, current *policy.Policy) (gained, lost []netip.Prefix, err error) {
	oldSet, err := ipSet(old)
	if err != nil {
		return nil, nil, err
	}
	currentSet, err := ipSet(current)
	if err != nil {
		return nil, nil, err
	}
	difference := func(from, minus *netipx.IPSet) ([]netip.Prefix, error) {
		var builder netipx.IPSetBuilder
		builder.AddSet(from)
		builder.RemoveSet(minus)
		set, err := builder.IPSet()
		if err != nil {
			return nil, fmt.Errorf("failed to compare the allowed sources: %w", err)
		}
		return set.Prefixes(), nil
	}
	if gained, err = difference(currentSet, oldSet); err != nil {
		return nil, nil, err
	}
	if lost, err = difference(oldSet, currentSet); err != nil {
		return nil, nil, err
	}
	return gained, lost, nil
}

// ipSet returns the allowed set of a policy.
func ipSet(p *policy.Policy) (*netipx.IPSet, error) {
	var builder netipx.IPSetBuilder
	for _, prefix := range p.Prefixes() {
		builder.AddPrefix(prefix)
	}
	set, err := builder.IPSet()
	if err != nil {
		return nil, fmt.Errorf("failed to read the allowed sources: %w", err)
	}
	return set, nil
}

func diffSide(checked *checkedConfig) DiffSide {
	side := DiffSide{
		Input:    checked.in.outputInput(),
		Valid:    len(checked.Errors) == 0,
		Errors:   errorFindings(checked.Errors),
		Warnings: warningFindings(checked.Warnings),
	}
	if checked.Policy != nil {
		side.Type, side.Mode, side.Hash = string(checked.Policy.Type), string(checked.Policy.Mode), checked.Policy.Hash()
	}
	return side
}

func prefixStrings(prefixes []netip.Prefix) []string {
	texts := make([]string, 0, len(prefixes))
	for _, prefix := range prefixes {
		texts = append(texts, prefix.String())
	}
	return texts
}

// printDiff prints the diff for people: the findings of each side with a header on errOut, the prefixes on out.
func printDiff(out, errOut io.Writer, old, current *checkedConfig, result DiffResult) {
	for _, side := range []*checkedConfig{old, current} {
		if len(side.Errors) > 0 || len(side.Warnings) > 0 {
			fmt.Fprintf(errOut, "==> %s\n", side.in.describe())
			_ = printFindings(errOut, side.Errors, side.Warnings)
		}
	}
	if result.Old.Valid && result.New.Valid && result.Old.Type != result.New.Type {
		fmt.Fprintf(errOut, "NOTE the source address Envoy matches changes from %s to %s: the same prefixes match other clients\n", result.Old.Type, result.New.Type)
	}
	if result.Old.Valid && result.New.Valid && result.Old.Mode != result.New.Mode {
		// The prefixes below compare what the rules admit; what is enforced changes far more.
		fmt.Fprintf(errOut, "NOTE the mode changes from %s to %s: in %s the rules block nothing\n", result.Old.Mode, result.New.Mode, acl.ModeAudit)
	}
	for _, prefix := range result.Gained {
		fmt.Fprintf(out, "+ %s\n", prefix)
	}
	for _, prefix := range result.Lost {
		fmt.Fprintf(out, "- %s\n", prefix)
	}
}
