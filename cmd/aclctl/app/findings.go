// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package app

import (
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// printFindings prints one line per error and warning, errors first, and returns errInvalid if there are errors.
func printFindings(out io.Writer, errs field.ErrorList, warnings validation.Warnings) error {
	for _, err := range errs {
		fmt.Fprintf(out, "ERROR %s\n", err.Error())
	}
	for _, warning := range warnings {
		fmt.Fprintf(out, "WARNING %s\n", warning.String())
	}
	if len(errs) > 0 {
		return errInvalid
	}
	return nil
}
