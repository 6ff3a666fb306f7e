// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// TestAllocationBudget keeps validate+compile under two allocations per entry for large rule sets: allocation counts
// are deterministic, unlike timings, so this is a test and the timing lives in BenchmarkValidateProviderConfig.
func TestAllocationBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("measures 10000 entries")
	}
	const entries = 10000
	raw := providerConfigWithEntries(entries, true)
	limits := benchmarkLimits(entries)
	root := field.NewPath("spec", "extensions").Index(0).Child("providerConfig")

	if result := validation.ValidateProviderConfig(raw, nil, root, limits); len(result.Errors) > 0 || result.Policy == nil {
		t.Fatalf("input is invalid, the budget would measure the error path: %v", result.Errors)
	}

	allocs := testing.AllocsPerRun(5, func() {
		validation.ValidateProviderConfig(raw, nil, root, limits)
	})
	if perEntry := allocs / entries; perEntry >= 2 {
		t.Fatalf("validate+compile makes %.2f allocations per entry (%.0f in total), want fewer than 2", perEntry, allocs)
	}
}
