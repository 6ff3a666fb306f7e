// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	gardencoreinstall "github.com/gardener/gardener/pkg/apis/core/install"
	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gardener-community/gardener-extension-acl/pkg/admission/validator"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/test/benchinput"
)

// BenchmarkServeHTTP measures issue #16's admission measure end to end: the bytes of an AdmissionReview (a CREATE of
// a Shoot whose legacy single-rule providerConfig has N CIDRs) through controller-runtime's admission.Webhook.ServeHTTP,
// as the webhook server calls it, to the verdict, with the limits raised to N.
func BenchmarkServeHTTP(b *testing.B) {
	benchmarkServeHTTP(b, func(entries int) admission.Handler {
		scheme := runtime.NewScheme()
		gardencoreinstall.Install(scheme)
		metrics, err := validator.NewMetrics(prometheus.NewRegistry())
		if err != nil {
			b.Fatal(err)
		}
		limits := validation.Limits{MaxEntries: max(entries, validation.DefaultMaxEntries), MaxCompiledPrefixes: max(4*entries, validation.DefaultMaxCompiledPrefixes)}
		return validator.NewShootHandler(serializer.NewCodecFactory(scheme).UniversalDecoder(), limits, metrics, logr.Discard())
	})
}

// BenchmarkServeHTTPFloor measures what controller-runtime's admission.Webhook.ServeHTTP costs around any handler, with
// a handler that allows every review at once: reading the body, finding its kind, decoding the AdmissionReview and
// encoding the response. No webhook served this way can be faster; docs/performance.md compares it with both
// extensions.
func BenchmarkServeHTTPFloor(b *testing.B) {
	benchmarkServeHTTP(b, func(int) admission.Handler {
		return admission.HandlerFunc(func(context.Context, admission.Request) admission.Response { return admission.Allowed("") })
	})
}

func benchmarkServeHTTP(b *testing.B, newHandler func(entries int) admission.Handler) {
	for _, entries := range []int{1, 50, 1000, 10000} {
		b.Run(fmt.Sprintf("entries=%d", entries), func(b *testing.B) {
			webhook := &admission.Webhook{Handler: newHandler(entries)}
			body := benchinput.AdmissionReview(entries)
			serve := func() *httptest.ResponseRecorder {
				request := httptest.NewRequest(http.MethodPost, validator.Path, bytes.NewReader(body))
				request.Header.Set("Content-Type", "application/json")
				recorder := httptest.NewRecorder()
				webhook.ServeHTTP(recorder, request)
				return recorder
			}

			review := &admissionv1.AdmissionReview{}
			if err := json.Unmarshal(serve().Body.Bytes(), review); err != nil || review.Response == nil || !review.Response.Allowed {
				b.Fatalf("benchmark Shoot is not allowed: %v, %+v", err, review.Response)
			}
			b.ReportAllocs()
			for b.Loop() {
				serve()
			}
		})
	}
}
