// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation_test

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// FuzzValidateProviderConfig feeds arbitrary bytes to decode, validate and compile, as a hostile Shoot would. Beyond
// not panicking, every result must be consistent: errors and a compiled policy never come together, every finding is
// below the providerConfig path, and the limits hold. Seeds live in testdata/fuzz/FuzzValidateProviderConfig.
func FuzzValidateProviderConfig(f *testing.F) {
	for _, seed := range []string{
		`{"apiVersion":"acl.extensions.gardener.cloud/v1alpha1","kind":"ACLConfig","rules":[{"action":"ALLOW","cidrs":["10.0.0.0/8","2001:db8::/32"]},{"action":"DENY","cidrs":["10.1.0.0/16"]}]}`,
		`{"rule":{"action":"allow","type":"remote_ip","cidrs":["1.2.3.4/32"]}}`,
		`{"rule":{"action":"DENY","cidrs":["::/0"]},"rules":[]}`,
		`{"apiVersion":1,"kind":[],"rules":{"a":"b"}}`,
		`{"rules":[{"action":"ALLOW","cidr":["10.0.0.0/8"],"action":"DENY"}]}`,
		`["10.0.0.0/8"]`, `null`, ``, `{`, `{"rule":null}`,
	} {
		f.Add([]byte(seed), []byte(nil))
	}
	f.Add([]byte(`{"rule":{"action":"ALLOW","cidrs":["10.1.2.3/8"]}}`), []byte(`{"rule":{"action":"ALLOW","cidrs":["10.1.2.3/8"]}}`))

	root := field.NewPath("spec", "extensions").Index(0).Child("providerConfig")
	limits := validation.Limits{MaxEntries: 64, MaxCompiledPrefixes: 256}

	f.Fuzz(func(t *testing.T, raw, oldRaw []byte) {
		result := validation.ValidateProviderConfig(raw, oldRaw, root, limits)

		if len(result.Errors) > 0 && result.Policy != nil {
			t.Fatalf("errors and a compiled policy at once: %v", result.Errors)
		}
		if len(result.Errors) == 0 && result.Policy == nil {
			t.Fatalf("no errors but no compiled policy for %q", raw)
		}
		for _, err := range result.Errors {
			if !strings.HasPrefix(err.Field, root.String()) {
				t.Fatalf("error outside the providerConfig: %v", err)
			}
			if err.Detail == "" && err.Type != field.ErrorTypeTooMany {
				t.Fatalf("error without a message: %v", err)
			}
		}
		for _, warning := range result.Warnings {
			if !strings.HasPrefix(warning.Field.String(), root.String()) {
				t.Fatalf("warning outside the providerConfig: %v", warning)
			}
		}
		if result.Policy != nil && result.Policy.Len() > limits.MaxCompiledPrefixes {
			t.Fatalf("compiled %d prefixes, above the limit", result.Policy.Len())
		}
	})
}
