// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// benchmarkEntries are the rule sizes measured; docs/performance.md records the figures.
var benchmarkEntries = []int{1, 50, 1000, 10000}

// providerConfigWithEntries returns a typed providerConfig with n distinct entries, half IPv4 /24s and half IPv6 /48s,
// split over an ALLOW and a DENY rule (every eighth entry), so that decoding, validation and both set operations do
// real work. With gaps, neighbouring entries leave a gap between them and nothing merges: the worst case for the
// compiler. Without, they are adjacent, as in lists of consecutive office or VPN ranges.
func providerConfigWithEntries(n int, gaps bool) []byte {
	step := 1
	if gaps {
		step = 2
	}
	allow := make([]string, 0, n)
	deny := make([]string, 0, n/4)
	for i := range n {
		slot := (i / 2) * step
		var cidr string
		if i%2 == 0 {
			cidr = fmt.Sprintf("10.%d.%d.0/24", slot/256%256, slot%256)
		} else {
			cidr = fmt.Sprintf("2001:db8:%x::/48", slot+1)
		}
		if i%8 == 7 {
			deny = append(deny, cidr)
		} else {
			allow = append(allow, cidr)
		}
	}
	rules := []map[string]any{{"action": "ALLOW", "cidrs": allow}}
	if len(deny) > 0 {
		rules = append(rules, map[string]any{"action": "DENY", "cidrs": deny})
	}
	raw, err := json.Marshal(map[string]any{"apiVersion": "acl.extensions.gardener.cloud/v1alpha1", "kind": "ACLConfig", "rules": rules})
	if err != nil {
		panic(err)
	}
	return raw
}

func benchmarkLimits(entries int) validation.Limits {
	return validation.Limits{MaxEntries: max(entries, validation.DefaultMaxEntries), MaxCompiledPrefixes: max(2*entries, validation.DefaultMaxCompiledPrefixes)}
}

// BenchmarkValidateProviderConfig measures decode + validate + compile, the work the webhook does per changed Shoot.
func BenchmarkValidateProviderConfig(b *testing.B) {
	root := field.NewPath("spec", "extensions").Index(0).Child("providerConfig")
	for _, entries := range benchmarkEntries {
		for _, shape := range []struct {
			name string
			gaps bool
		}{{"adjacent", false}, {"disjoint", true}} {
			b.Run(fmt.Sprintf("entries=%d/%s", entries, shape.name), func(b *testing.B) {
				benchmarkValidate(b, root, entries, providerConfigWithEntries(entries, shape.gaps))
			})
		}
	}
}

func benchmarkValidate(b *testing.B, root *field.Path, entries int, raw []byte) {
	limits := benchmarkLimits(entries)
	if result := validation.ValidateProviderConfig(raw, nil, root, limits); len(result.Errors) > 0 || result.Policy == nil {
		b.Fatalf("benchmark input is invalid: %v", result.Errors)
	}

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for b.Loop() {
		validation.ValidateProviderConfig(raw, nil, root, limits)
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/float64(entries), "allocs/entry")
}
