// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Warning is a finding that does not make the configuration invalid but that the person should know about. The
// webhook returns warnings as admission warnings.
type Warning struct {
	// Field is the path of the value the warning is about.
	Field *field.Path
	// Message says what is wrong and what to write instead.
	Message string
}

// String returns the warning in the form "<field path>: <message>", the text the API server shows.
func (w Warning) String() string {
	return w.Field.String() + ": " + w.Message
}

// Warnings is a list of warnings.
type Warnings []Warning

// Strings returns the text of every warning.
func (w Warnings) Strings() []string {
	if len(w) == 0 {
		return nil
	}
	texts := make([]string, 0, len(w))
	for _, warning := range w {
		texts = append(texts, warning.String())
	}
	return texts
}
