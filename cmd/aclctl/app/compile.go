// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

func newCompileCommand(limits *validation.Limits) *cobra.Command {
	return &cobra.Command{
		Use:   "compile FILE|DIR|-...",
		Short: "Print the allowed source prefixes the rules compile to",
		Long: `compile prints the minimal list of allowed source prefixes, one per line in canonical form, IPv4 first and
then IPv6, exactly as the seed controller enforces the rules: entries the webhook admitted from older shoots (host
bits set, IPv4-mapped IPv6 ranges of the existing ACL extension) count as Envoy matches them, with a warning. An empty
output means that no source is allowed by the rules. Findings go to standard error.`,
		Example: `  aclctl compile shoot.yaml
  kubectl get shoot my-shoot -o yaml | aclctl compile -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(command *cobra.Command, args []string) error {
			checked, err := validatedConfig(args, command.InOrStdin(), command.ErrOrStderr(), *limits)
			if err != nil {
				return err
			}
			for _, prefix := range checked.Policy.Prefixes() {
				fmt.Fprintln(command.OutOrStdout(), prefix)
			}
			return nil
		},
	}
}

// checkedConfig is a validated acl providerConfig with the path its findings are reported under.
type checkedConfig struct {
	validation.Result
	root *field.Path
	// in is the Shoot or providerConfig it came from.
	in *input
	// set is everything that was read with it.
	set *inputSet
}

// validatedConfig reads files, compiles the acl providerConfig of their one Shoot or bare providerConfig as the
// controller enforces it (validation.EnforceProviderConfig) and prints the findings to out. It returns errInvalid
// when there are errors, so that compile, explain and render never act on rules the controller would refuse.
func validatedConfig(names []string, stdin io.Reader, out io.Writer, limits validation.Limits) (*checkedConfig, error) {
	set, err := readInputs(names, stdin)
	if err != nil {
		return nil, err
	}
	set.noteSkipped(out)
	in, err := set.oneRuleInput()
	if err != nil {
		return nil, err
	}
	raw, root, err := in.aclConfig()
	if err != nil {
		return nil, err
	}
	result := validation.EnforceProviderConfig(raw, root, limits)
	if err := printFindings(out, result.Errors, result.Warnings); err != nil {
		return nil, err
	}
	return &checkedConfig{Result: result, root: root, in: in, set: set}, nil
}
