// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// ValidateResult is what validate prints with -o json or -o yaml.
type ValidateResult struct {
	TypeMeta `json:",inline"`
	// Valid is true when no input has errors.
	Valid bool `json:"valid"`
	// Results has one entry per Shoot or bare providerConfig, in the order read.
	Results []ValidateItem `json:"results"`
}

// ValidateItem is the outcome of validating one Shoot or bare providerConfig.
type ValidateItem struct {
	// Input is what was validated.
	Input Input `json:"input"`
	// Old is the version before the update, with --old.
	Old *Input `json:"old,omitempty"`
	// Valid is true when the webhook admits it.
	Valid bool `json:"valid"`
	// Errors are the reasons the webhook refuses it.
	Errors []Finding `json:"errors"`
	// Warnings are the warnings the webhook returns.
	Warnings []Finding `json:"warnings"`
}

func newValidateCommand(limits *validation.Limits) *cobra.Command {
	var (
		oldFile string
		format  outputFormat
	)
	command := &cobra.Command{
		Use:   "validate [--old OLD] FILE|DIR|-...",
		Short: "Check rules exactly as the admission webhook does",
		Long: `validate checks every enabled acl extension of every Shoot, and every bare providerConfig, in the files it
is given, and prints one line per finding: "ERROR <field path>: <message>" or "WARNING <field path>: <message>", with
the texts the webhook returns. Files may hold several documents and Lists (kubectl get -o yaml); with several Shoots
or providerConfigs, the findings of each follow a line "==> <which one>". Other kinds are skipped with a note on
standard error. With --old it applies UPDATE semantics to one Shoot or providerConfig: an unchanged providerConfig is
not checked again, and non-canonical entries that the old version already had are accepted with a warning. With -o
json or -o yaml it prints one ValidateResult document (docs/usage.md) instead.`,
		Example: `  # Check a Shoot manifest before applying it
  aclctl validate shoot.yaml

  # Check every Shoot of a project
  kubectl -n garden-dev get shoots -o yaml | aclctl validate -

  # List the Shoots of a project whose rules the webhook refuses
  kubectl -n garden-dev get shoots -o yaml | aclctl validate -o json - | jq -r '.results[] | select(.valid | not) | .input.shoot'

  # Check an update against the Shoot that is live today
  kubectl get shoot my-shoot -o yaml > old.yaml
  aclctl validate --old old.yaml shoot.yaml

  # Check a bare providerConfig from standard input
  echo '{"rule": {"action": "ALLOW", "type": "remote_ip", "cidrs": ["10.250.0.0/16"]}}' | aclctl validate -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(command *cobra.Command, args []string) error {
			out, errOut := command.OutOrStdout(), command.ErrOrStderr()
			set, err := readInputs(args, command.InOrStdin())
			if err != nil {
				return err
			}
			set.noteSkipped(errOut)

			type pair struct{ current, old *input }
			var pairs []pair
			if oldFile != "" {
				current, err := set.oneRuleInput()
				if err != nil {
					return err
				}
				old, err := readInput(oldFile, command.InOrStdin(), errOut)
				if err != nil {
					return err
				}
				pairs = append(pairs, pair{current, old})
			} else {
				if len(set.rules) == 0 {
					return errors.New("no Shoot or providerConfig given")
				}
				for _, current := range set.rules {
					pairs = append(pairs, pair{current: current})
				}
			}

			document := ValidateResult{TypeMeta: typeMeta("ValidateResult"), Valid: true, Results: make([]ValidateItem, 0, len(pairs))}
			for _, p := range pairs {
				result, err := validateInputs(p.current, p.old, *limits)
				if err != nil {
					return err
				}
				item := ValidateItem{
					Input: p.current.outputInput(), Valid: len(result.Errors) == 0,
					Errors: errorFindings(result.Errors), Warnings: warningFindings(result.Warnings),
				}
				if p.old != nil {
					old := p.old.outputInput()
					item.Old = &old
				}
				document.Valid = document.Valid && item.Valid
				document.Results = append(document.Results, item)
				if !format.structured() {
					if len(pairs) > 1 {
						fmt.Fprintf(out, "==> %s\n", p.current.describe())
					}
					_ = printFindings(out, result.Errors, result.Warnings)
				}
			}
			if format.structured() {
				if err := format.print(out, document); err != nil {
					return err
				}
			}
			if !document.Valid {
				return errInvalid
			}
			return nil
		},
	}
	command.Flags().StringVar(&oldFile, "old", "", "the version before the update, for UPDATE semantics (a Shoot or a bare providerConfig, like FILE)")
	addOutputFlag(command, &format)
	return command
}
