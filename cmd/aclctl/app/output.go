// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// OutputAPIVersion is the apiVersion of every document aclctl prints with -o json or -o yaml. Fields are only ever
// added within a version; renaming, removing or changing the meaning of a field needs a new version.
const OutputAPIVersion = "aclctl.acl.extensions.gardener.cloud/v1alpha1"

// Output formats of the -o flag.
const (
	// OutputText is the default: lines for people, as the command's help describes them.
	OutputText = "text"
	// OutputJSON prints one JSON document of OutputAPIVersion.
	OutputJSON = "json"
	// OutputYAML prints the same document as YAML.
	OutputYAML = "yaml"
)

// TypeMeta names the kind and version of an output document.
type TypeMeta struct {
	// APIVersion is OutputAPIVersion.
	APIVersion string `json:"apiVersion"`
	// Kind is ValidateResult, CompileResult, ExplainResult or DiffResult.
	Kind string `json:"kind"`
}

// Input names a Shoot or bare providerConfig that was read.
type Input struct {
	// Source is the file and, when the file has several, the document and list item it was read from; "standard
	// input" for "-".
	Source string `json:"source"`
	// Shoot is namespace/name of the Shoot; empty for a bare providerConfig.
	Shoot string `json:"shoot,omitempty"`
}

// Finding is an error or a warning about the rules, with the texts the admission webhook returns.
type Finding struct {
	// Field is the field path, e.g. spec.extensions[0].providerConfig.rules[1].cidrs[0].
	Field string `json:"field"`
	// Type is the error type of an error, e.g. FieldValueInvalid (k8s.io/apimachinery's field.ErrorType); empty for a
	// warning.
	Type string `json:"type,omitempty"`
	// Message is the text after the field path.
	Message string `json:"message"`
}

// outputFormat is the value of the -o flag.
type outputFormat string

// addOutputFlag adds -o/--output to a command.
func addOutputFlag(command *cobra.Command, format *outputFormat) {
	*format = OutputText
	command.Flags().VarP(format, "output", "o", fmt.Sprintf("output format: %s, or %s or %s for scripts (a document of %s, see docs/usage.md)", OutputText, OutputJSON, OutputYAML, OutputAPIVersion))
}

// String implements pflag.Value.
func (f *outputFormat) String() string {
	return string(*f)
}

// Set implements pflag.Value.
func (f *outputFormat) Set(value string) error {
	switch value {
	case OutputText, OutputJSON, OutputYAML:
		*f = outputFormat(value)
		return nil
	}
	return fmt.Errorf("must be %s, %s or %s", OutputText, OutputJSON, OutputYAML)
}

// Type implements pflag.Value.
func (f *outputFormat) Type() string {
	return "format"
}

// structured reports whether the format is for scripts.
func (f outputFormat) structured() bool {
	return f != OutputText
}

// print writes an output document in the format.
func (f outputFormat) print(out io.Writer, document any) error {
	raw, err := json.MarshalIndent(document, "", "  ")
	if err != nil {
		return fmt.Errorf("failed to print the result: %w", err)
	}
	if f == OutputYAML {
		if raw, err = yaml.JSONToYAML(raw); err != nil {
			return fmt.Errorf("failed to print the result as YAML: %w", err)
		}
		_, err = out.Write(raw)
	} else {
		_, err = fmt.Fprintf(out, "%s\n", raw)
	}
	if err != nil {
		return fmt.Errorf("failed to print the result: %w", err)
	}
	return nil
}

// typeMeta returns the TypeMeta of an output kind.
func typeMeta(kind string) TypeMeta {
	return TypeMeta{APIVersion: OutputAPIVersion, Kind: kind}
}

// errorFindings returns errors as findings; an empty list for none, so that scripts always find a list.
func errorFindings(errs field.ErrorList) []Finding {
	findings := make([]Finding, 0, len(errs))
	for _, err := range errs {
		findings = append(findings, Finding{Field: err.Field, Type: string(err.Type), Message: err.ErrorBody()})
	}
	return findings
}

// warningFindings returns warnings as findings; an empty list for none.
func warningFindings(warnings validation.Warnings) []Finding {
	findings := make([]Finding, 0, len(warnings))
	for _, warning := range warnings {
		findings = append(findings, Finding{Field: warning.Field.String(), Message: warning.Message})
	}
	return findings
}

// outputInput names the input in an output document.
func (in *input) outputInput() Input {
	if in.shoot == nil {
		return Input{Source: in.name}
	}
	return Input{Source: in.name, Shoot: in.shoot.Namespace + "/" + in.shoot.Name}
}
