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

// CompileResult is what compile prints with -o json or -o yaml.
type CompileResult struct {
	TypeMeta `json:",inline"`
	// Input is the Shoot or providerConfig that was compiled.
	Input Input `json:"input"`
	// Valid is false when the controller refuses the rules; then there are errors and no prefixes.
	Valid bool `json:"valid"`
	// Type is the source address Envoy matches: remote_ip, direct_remote_ip or source_ip.
	Type string `json:"type,omitempty"`
	// Mode is Enforce or Audit: in Audit the prefixes are counted, not enforced.
	Mode string `json:"mode,omitempty"`
	// Hash identifies the allowed sources and Type; the controller reports the same value in the Extension's
	// status.providerStatus.hash.
	Hash string `json:"hash,omitempty"`
	// IPv4Prefixes are the allowed IPv4 prefixes, minimal and sorted, before the always-allowed sources are added.
	IPv4Prefixes []string `json:"ipv4Prefixes"`
	// IPv6Prefixes are the allowed IPv6 prefixes.
	IPv6Prefixes []string `json:"ipv6Prefixes"`
	// Errors make the rules invalid.
	Errors []Finding `json:"errors"`
	// Warnings are the findings about valid rules, as the controller reports them in providerStatus.warnings.
	Warnings []Finding `json:"warnings"`
}

func newCompileCommand(limits *validation.Limits) *cobra.Command {
	var format outputFormat
	command := &cobra.Command{
		Use:   "compile FILE|DIR|-...",
		Short: "Print the allowed source prefixes the rules compile to, and their hash",
		Long: `compile prints the minimal list of allowed source prefixes, one per line in canonical form, IPv4 first and
then IPv6, exactly as the seed controller enforces the rules: entries the webhook admitted from older shoots (host
bits set, IPv4-mapped IPv6 ranges of the existing ACL extension) count as Envoy matches them, with a warning. An empty
output means that no source is allowed by the rules. Findings go to standard error, followed by "hash: <hash>", the
value the controller reports in the Extension's status.providerStatus.hash for these rules. With -o json or -o yaml it
prints one CompileResult document (docs/usage.md) with prefixes, hash and findings instead.`,
		Example: `  aclctl compile shoot.yaml
  aclctl compile example/shoot-dual-stack.yaml
  kubectl get shoot my-shoot -o yaml | aclctl compile -

  # Compare with what the controller enforces
  aclctl compile -o json shoot.yaml | jq -r .hash
  kubectl -n shoot--dev--my-shoot get extension acl -o jsonpath='{.status.providerStatus.hash}'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(command *cobra.Command, args []string) error {
			if format.structured() {
				checked, err := checkConfig(args, command.InOrStdin(), command.ErrOrStderr(), *limits)
				if err != nil {
					return err
				}
				if err := format.print(command.OutOrStdout(), compileResult(checked)); err != nil {
					return err
				}
				return checked.invalid()
			}

			checked, err := validatedConfig(args, command.InOrStdin(), command.ErrOrStderr(), *limits)
			if err != nil {
				return err
			}
			for _, prefix := range checked.Policy.Prefixes() {
				fmt.Fprintln(command.OutOrStdout(), prefix)
			}
			fmt.Fprintf(command.ErrOrStderr(), "hash: %s\n", checked.Policy.Hash())
			return nil
		},
	}
	addOutputFlag(command, &format)
	return command
}

// compileResult returns the output document of compile.
func compileResult(checked *checkedConfig) CompileResult {
	result := CompileResult{
		TypeMeta:     typeMeta("CompileResult"),
		Input:        checked.in.outputInput(),
		Valid:        len(checked.Errors) == 0,
		IPv4Prefixes: []string{},
		IPv6Prefixes: []string{},
		Errors:       errorFindings(checked.Errors),
		Warnings:     warningFindings(checked.Warnings),
	}
	if checked.Policy != nil {
		result.Type, result.Mode = string(checked.Policy.Type), string(checked.Policy.Mode)
		// The function the controller reports providerStatus.hash with (pkg/controller/actuator.go), on the policy of
		// the same validation.EnforceProviderConfig call.
		result.Hash = checked.Policy.Hash()
		for _, prefix := range checked.Policy.IPv4 {
			result.IPv4Prefixes = append(result.IPv4Prefixes, prefix.String())
		}
		for _, prefix := range checked.Policy.IPv6 {
			result.IPv6Prefixes = append(result.IPv6Prefixes, prefix.String())
		}
	}
	return result
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

// invalid returns errInvalid when the rules have errors.
func (c *checkedConfig) invalid() error {
	if len(c.Errors) > 0 {
		return errInvalid
	}
	return nil
}

// checkConfig reads files and compiles the acl providerConfig of their one Shoot or bare providerConfig as the
// controller enforces it (validation.EnforceProviderConfig), whether or not it is valid. Skipped documents are noted
// on notes.
func checkConfig(names []string, stdin io.Reader, notes io.Writer, limits validation.Limits) (*checkedConfig, error) {
	set, err := readInputs(names, stdin)
	if err != nil {
		return nil, err
	}
	set.noteSkipped(notes)
	in, err := set.oneRuleInput()
	if err != nil {
		return nil, err
	}
	return set.check(in, limits)
}

// check compiles the acl providerConfig of one input of the set as the controller enforces it, whether or not it is
// valid.
func (s *inputSet) check(in *input, limits validation.Limits) (*checkedConfig, error) {
	raw, root, err := in.aclConfig()
	if err != nil {
		return nil, err
	}
	result := validation.EnforceProviderConfig(raw, root, limits)
	return &checkedConfig{Result: result, root: root, in: in, set: s}, nil
}

// validatedConfig is checkConfig that prints the findings to out and returns errInvalid when there are errors, so
// that compile, explain and render never act on rules the controller would refuse.
func validatedConfig(names []string, stdin io.Reader, out io.Writer, limits validation.Limits) (*checkedConfig, error) {
	checked, err := checkConfig(names, stdin, out, limits)
	if err != nil {
		return nil, err
	}
	if err := printFindings(out, checked.Errors, checked.Warnings); err != nil {
		return nil, err
	}
	return checked, nil
}
