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

func newValidateCommand(limits *validation.Limits) *cobra.Command {
	var oldFile string
	command := &cobra.Command{
		Use:   "validate [--old OLD] FILE|DIR|-...",
		Short: "Check rules exactly as the admission webhook does",
		Long: `validate checks every enabled acl extension of every Shoot, and every bare providerConfig, in the files it
is given, and prints one line per finding: "ERROR <field path>: <message>" or "WARNING <field path>: <message>", with
the texts the webhook returns. Files may hold several documents and Lists (kubectl get -o yaml); with several Shoots
or providerConfigs, the findings of each follow a line "==> <which one>". Other kinds are skipped with a note on
standard error. With --old it applies UPDATE semantics to one Shoot or providerConfig: an unchanged providerConfig is
not checked again, and non-canonical entries that the old version already had are accepted with a warning.`,
		Example: `  # Check a Shoot manifest before applying it
  aclctl validate shoot.yaml

  # Check every Shoot of a project
  kubectl -n garden-dev get shoots -o yaml | aclctl validate -

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

			if oldFile != "" {
				current, err := set.oneRuleInput()
				if err != nil {
					return err
				}
				old, err := readInput(oldFile, command.InOrStdin(), errOut)
				if err != nil {
					return err
				}
				result, err := validateInputs(current, old, *limits)
				if err != nil {
					return err
				}
				return printFindings(out, result.Errors, result.Warnings)
			}

			if len(set.rules) == 0 {
				return errors.New("no Shoot or providerConfig given")
			}
			var invalid error
			for _, current := range set.rules {
				if len(set.rules) > 1 {
					fmt.Fprintf(out, "==> %s\n", current.describe())
				}
				result, err := validateInputs(current, nil, *limits)
				if err != nil {
					return err
				}
				if err := printFindings(out, result.Errors, result.Warnings); err != nil {
					invalid = err
				}
			}
			return invalid
		},
	}
	command.Flags().StringVar(&oldFile, "old", "", "the version before the update, for UPDATE semantics (a Shoot or a bare providerConfig, like FILE)")
	return command
}
