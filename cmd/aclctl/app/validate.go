// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"github.com/spf13/cobra"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

func newValidateCommand(limits *validation.Limits) *cobra.Command {
	var oldFile string
	command := &cobra.Command{
		Use:   "validate [--old OLD] FILE|-",
		Short: "Check rules exactly as the admission webhook does",
		Long: `validate checks every enabled acl extension of a Shoot, or a bare providerConfig, and prints one line per
finding: "ERROR <field path>: <message>" or "WARNING <field path>: <message>", with the texts the webhook returns.
With --old it applies UPDATE semantics: an unchanged providerConfig is not checked again, and non-canonical entries
that the old version already had are accepted with a warning.`,
		Example: `  # Check a Shoot manifest before applying it
  aclctl validate shoot.yaml

  # Check an update against the Shoot that is live today
  kubectl get shoot my-shoot -o yaml > old.yaml
  aclctl validate --old old.yaml shoot.yaml

  # Check a bare providerConfig from standard input
  echo '{"rule": {"action": "ALLOW", "type": "remote_ip", "cidrs": ["10.250.0.0/16"]}}' | aclctl validate -`,
		Args: cobra.ExactArgs(1),
		RunE: func(command *cobra.Command, args []string) error {
			current, err := readInput(args[0], command.InOrStdin())
			if err != nil {
				return err
			}
			var old *input
			if oldFile != "" {
				if old, err = readInput(oldFile, command.InOrStdin()); err != nil {
					return err
				}
			}

			result, err := validateInputs(current, old, *limits)
			if err != nil {
				return err
			}
			return printFindings(command.OutOrStdout(), result.Errors, result.Warnings)
		},
	}
	command.Flags().StringVar(&oldFile, "old", "", "the version before the update, for UPDATE semantics (a Shoot or a bare providerConfig, like FILE)")
	return command
}
