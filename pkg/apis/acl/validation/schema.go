// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"reflect"
	"slices"
	"strings"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/v1alpha1"
)

// The names the diagnosis knows in each object of the two forms are read from the v1alpha1 types once, so that a
// field added there is not reported as unknown without a second edit here. The strict decoder's structs cannot be
// derived without slowing the hot path; schema_test.go fails when they and the v1alpha1 types disagree.
var (
	typedAPIVersion = v1alpha1.SchemeGroupVersion.String()
	typedKind       = reflect.TypeFor[v1alpha1.ACLConfig]().Name()

	typedFields  = jsonFields(reflect.TypeFor[v1alpha1.ACLConfig]())
	ruleFields   = jsonFields(reflect.TypeFor[v1alpha1.Rule]())
	legacyFields = jsonFields(reflect.TypeFor[v1alpha1.LegacyACLConfig]())
	legacyRules  = jsonFields(reflect.TypeFor[v1alpha1.LegacyRule]())
)

// jsonFields returns the JSON names of a struct's fields in declaration order, the order messages list them in. An
// embedded struct without a JSON name is inlined, as encoding/json does, with its fields sorted by name: for
// metav1.TypeMeta, which declares kind before apiVersion, that gives apiVersion, kind, the order of every manifest.
func jsonFields(t reflect.Type) []string {
	var names []string
	for field := range t.Fields() {
		if !field.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		switch {
		case name == "-":
			continue
		case field.Anonymous && name == "" && field.Type.Kind() == reflect.Struct:
			inlined := jsonFields(field.Type)
			slices.Sort(inlined)
			names = append(names, inlined...)
			continue
		case name == "":
			name = field.Name
		}
		names = append(names, name)
	}
	return names
}
