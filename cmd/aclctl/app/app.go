// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package app implements aclctl, the offline command line of the ACL extension. Its output is a stable contract:
// findings are printed as "ERROR <field path>: <message>" or "WARNING <field path>: <message>", with exactly the texts
// the admission webhook returns, and -o json or -o yaml prints one document of OutputAPIVersion (output.go).
package app

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/version"
)

// Exit codes of every aclctl command.
const (
	// ExitValid means the input is valid; warnings may have been printed.
	ExitValid = 0
	// ExitInvalid means the input has at least one error.
	ExitInvalid = 1
	// ExitUsage means the command line was wrong or the input could not be read.
	ExitUsage = 2
)

// errInvalid is returned by commands whose input was read but is invalid; the findings are already printed.
var errInvalid = errors.New("invalid")

// Run executes aclctl with the given arguments and streams and returns the process exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	command := NewCommand(stdin, stdout, stderr)
	command.SetArgs(args)
	err := command.Execute()
	switch {
	case err == nil:
		return ExitValid
	case errors.Is(err, errInvalid):
		return ExitInvalid
	default:
		fmt.Fprintf(stderr, "aclctl: %v\n", err)
		return ExitUsage
	}
}

// NewCommand returns the aclctl root command.
func NewCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	limits := validation.DefaultLimits()
	root := &cobra.Command{
		Use:   "aclctl",
		Short: "Validate, compile, explain, diff and render ACL extension rules offline",
		Long: `aclctl checks the providerConfig of a Shoot's acl extension exactly as the admission webhook and the
seed controller do, without a cluster. FILE is a Shoot (core.gardener.cloud/v1beta1) or a bare providerConfig, in
YAML or JSON; "-" reads standard input.

Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage or I/O error.`,
		Version:       version.String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			return limits.Validate()
		},
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	limits.AddFlags(root.PersistentFlags())

	root.AddCommand(
		newValidateCommand(&limits),
		newCompileCommand(&limits),
		newExplainCommand(&limits),
		newRenderCommand(&limits),
		newDiffCommand(&limits),
	)
	return root
}
