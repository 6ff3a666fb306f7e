// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"reflect"
)

// The structs of the strict decoder are hand-written for speed; schema_test.go compares them with the v1alpha1 types.
var (
	// StrictDocument is the struct a whole providerConfig of either form is strictly decoded into.
	StrictDocument = reflect.TypeFor[strictDocument]()
	// StrictRule is the struct a rule of the typed form is strictly decoded into.
	StrictRule = reflect.TypeFor[strictRule]()
	// StrictLegacyRule is the struct the rule of the legacy form is strictly decoded into.
	StrictLegacyRule = reflect.TypeFor[legacyRule]()
)
