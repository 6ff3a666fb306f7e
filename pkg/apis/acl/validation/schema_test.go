// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/install"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/v1alpha1"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// The v1alpha1 types are the one schema of the providerConfig. The strict decoder has its own structs (for speed)
// and the diagnosis reads each field by name, so these specs fail when a field is added to v1alpha1 and either of
// them does not know it.
var _ = Describe("the providerConfig schema", func() {
	Describe("the strict decoder's structs", func() {
		It("have the top-level fields of both forms", func() {
			Expect(jsonNames(validation.StrictDocument)).To(ConsistOf(
				append(jsonNames(reflect.TypeFor[v1alpha1.ACLConfig]()), jsonNames(reflect.TypeFor[v1alpha1.LegacyACLConfig]())...)),
				"add the field to strictDocument in decode.go and read it in decodeStrict")
		})

		It("have the fields of a typed rule", func() {
			Expect(jsonNames(validation.StrictRule)).To(ConsistOf(jsonNames(reflect.TypeFor[v1alpha1.Rule]())),
				"add the field to strictRule in decode.go and read it in decodeStrict")
		})

		It("have the fields of the legacy rule", func() {
			Expect(jsonNames(validation.StrictLegacyRule)).To(ConsistOf(jsonNames(reflect.TypeFor[v1alpha1.LegacyRule]())),
				"add the field to legacyRule in decode.go and read it in decodeStrict")
		})
	})

	// Every field is written, so a field that the strict decoder or the walker of the diagnosis drops makes the
	// decoded configuration differ from what the scheme makes of the same object.
	DescribeTable("a providerConfig with every field written decodes as the scheme converts it",
		func(form validation.Form, versioned func() any, toInternal func() *acl.ACLConfig) {
			expected := toInternal()
			raw := mustJSON(versioned())

			decoded, errs := validation.Decode(raw, root)
			Expect(errs).To(BeEmpty(), "the strict decoder refuses a field of the v1alpha1 types")
			Expect(decoded.Form).To(Equal(form))
			Expect(decoded.Config).To(Equal(expected), "the strict decoder does not read every field of the v1alpha1 types")

			// An unknown field makes the strict decoder refuse the document, so that the diagnosis reads it.
			var document map[string]any
			Expect(json.Unmarshal(raw, &document)).To(Succeed())
			document["unknownToTheSchema"] = true
			decoded, errs = validation.Decode(mustJSON(document), root)
			Expect(errs).To(ConsistOf(fieldError(field.ErrorTypeForbidden, root.Child("unknownToTheSchema").String(), `unknown field "unknownToTheSchema"`)))
			Expect(decoded.Form).To(Equal(form))
			Expect(decoded.Config).To(Equal(expected), "the diagnosis does not read every field of the v1alpha1 types")
		},
		Entry("typed", validation.FormTyped, func() any { return fullACLConfig() }, func() *acl.ACLConfig {
			return schemeToInternal(fullACLConfig())
		}),
		Entry("legacy", validation.FormLegacy, func() any { return fullLegacyACLConfig() }, func() *acl.ACLConfig {
			return schemeToInternal(fullLegacyACLConfig().ToACLConfig())
		}),
	)
})

// jsonNames returns the JSON names of a struct's fields, with the fields of embedded structs inlined as
// encoding/json does.
func jsonNames(t reflect.Type) []string {
	var names []string
	for field := range t.Fields() {
		name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		switch {
		case !field.IsExported() || name == "-":
		case field.Anonymous && name == "":
			names = append(names, jsonNames(field.Type)...)
		case name == "":
			names = append(names, field.Name)
		default:
			names = append(names, name)
		}
	}
	return names
}

// fullACLConfig returns a typed configuration with every field written, and apiVersion and kind as they must be.
func fullACLConfig() *v1alpha1.ACLConfig {
	config := &v1alpha1.ACLConfig{}
	fill(reflect.ValueOf(config).Elem(), "config")
	config.APIVersion = v1alpha1.SchemeGroupVersion.String()
	config.Kind = "ACLConfig"
	return config
}

// fullLegacyACLConfig returns a legacy configuration with every field written.
func fullLegacyACLConfig() *v1alpha1.LegacyACLConfig {
	config := &v1alpha1.LegacyACLConfig{}
	fill(reflect.ValueOf(config).Elem(), "config")
	return config
}

// fill writes a value into every field, slice element and pointer below value. Strings hold their path, so that a
// value read into the wrong field shows in the failure; no string is a valid action or type, so normalisation leaves
// them alone.
func fill(value reflect.Value, path string) {
	switch value.Kind() {
	case reflect.String:
		value.SetString(path)
	case reflect.Bool:
		value.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		value.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		value.SetUint(1)
	case reflect.Pointer:
		value.Set(reflect.New(value.Type().Elem()))
		fill(value.Elem(), path)
	case reflect.Slice:
		value.Set(reflect.MakeSlice(value.Type(), 2, 2))
		for i := range value.Len() {
			fill(value.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		value.Set(reflect.MakeMap(value.Type()))
		key, element := reflect.New(value.Type().Key()).Elem(), reflect.New(value.Type().Elem()).Elem()
		fill(key, path+".key")
		fill(element, path+".value")
		value.SetMapIndex(key, element)
	case reflect.Struct:
		for i := range value.NumField() {
			if value.Type().Field(i).IsExported() {
				fill(value.Field(i), path+"."+value.Type().Field(i).Name)
			}
		}
	default:
		Fail(fmt.Sprintf("fill cannot write a %s at %s: teach it this kind", value.Type(), path))
	}
}

// schemeToInternal defaults and converts a versioned configuration the way the scheme does for any client of the API.
func schemeToInternal(versioned *v1alpha1.ACLConfig) *acl.ACLConfig {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	scheme.Default(versioned)
	config := &acl.ACLConfig{}
	Expect(scheme.Convert(versioned, config, nil)).To(Succeed())
	return config
}
