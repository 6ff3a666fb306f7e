// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validator_test

import (
	"context"
	"fmt"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

// BenchmarkHandle measures one review in-process, without HTTP and TLS: decoding the Shoot and validating its rules.
func BenchmarkHandle(b *testing.B) {
	handler, _ := newHandler()
	for _, entries := range []int{50, 1000} {
		b.Run(fmt.Sprintf("entries=%d", entries), func(b *testing.B) {
			req := request(admissionv1.Create, shootJSON("bench", aclExtension(providerConfigWithEntries(entries))), nil)
			if response := handler.Handle(context.Background(), req); !response.Allowed {
				b.Fatalf("benchmark Shoot is not allowed: %v", response.Result)
			}
			b.ReportAllocs()
			for b.Loop() {
				handler.Handle(context.Background(), req)
			}
		})
	}
}
