// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validator_test

import (
	"encoding/json"
	"fmt"

	gardencoreinstall "github.com/gardener/gardener/pkg/apis/core/install"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/types"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gardener-community/gardener-extension-acl/pkg/admission/validator"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

func init() {
	// The webhook server logs through controller-runtime; the tests read responses, not logs.
	logf.SetLogger(logr.Discard())
}

// newHandler returns the Shoot handler with its own metrics registry, so tests can read the metrics.
func newHandler() (admission.Handler, *prometheus.Registry) {
	scheme := runtime.NewScheme()
	gardencoreinstall.Install(scheme)
	registry := prometheus.NewRegistry()
	metrics, err := validator.NewMetrics(registry)
	if err != nil {
		panic(err)
	}
	return validator.NewShootHandler(serializer.NewCodecFactory(scheme).UniversalDecoder(), validation.DefaultLimits(), metrics, logr.Discard()), registry
}

// shootJSON returns a v1beta1 Shoot, as the API server sends it, with the given extensions.
func shootJSON(name string, extensions ...gardencorev1beta1.Extension) []byte {
	shoot := &gardencorev1beta1.Shoot{
		TypeMeta:   metav1.TypeMeta{APIVersion: "core.gardener.cloud/v1beta1", Kind: "Shoot"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "garden-dev", Labels: map[string]string{"extensions.extensions.gardener.cloud/acl": "true"}},
		Spec: gardencorev1beta1.ShootSpec{
			Region:     "local",
			Provider:   gardencorev1beta1.Provider{Type: "local", Workers: []gardencorev1beta1.Worker{{Name: "pool", Minimum: 1, Maximum: 3}}},
			Kubernetes: gardencorev1beta1.Kubernetes{Version: "1.33.0"},
			Extensions: extensions,
		},
	}
	raw, err := json.Marshal(shoot)
	if err != nil {
		panic(err)
	}
	return raw
}

func aclExtension(providerConfig string) gardencorev1beta1.Extension {
	return gardencorev1beta1.Extension{Type: "acl", ProviderConfig: &runtime.RawExtension{Raw: []byte(providerConfig)}}
}

// providerConfigWithEntries returns a typed providerConfig with n canonical IPv4 and IPv6 entries.
func providerConfigWithEntries(n int) string {
	cidrs := make([]string, 0, n)
	for i := range n {
		if i%2 == 0 {
			cidrs = append(cidrs, fmt.Sprintf("10.%d.%d.0/24", i/256, i%256))
		} else {
			cidrs = append(cidrs, fmt.Sprintf("2001:db8:%x::/48", i+1))
		}
	}
	raw, err := json.Marshal(map[string]any{
		"apiVersion": "acl.extensions.gardener.cloud/v1alpha1", "kind": "ACLConfig",
		"rules": []map[string]any{{"action": "ALLOW", "cidrs": cidrs}},
	})
	if err != nil {
		panic(err)
	}
	return string(raw)
}

var shootKind = metav1.GroupVersionKind{Group: "core.gardener.cloud", Version: "v1beta1", Kind: "Shoot"}

func request(operation admissionv1.Operation, object, oldObject []byte) admission.Request {
	return admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UID:       types.UID("review-1"),
		Kind:      shootKind,
		Resource:  metav1.GroupVersionResource{Group: "core.gardener.cloud", Version: "v1beta1", Resource: "shoots"},
		Operation: operation,
		Object:    runtime.RawExtension{Raw: object},
		OldObject: runtime.RawExtension{Raw: oldObject},
	}}
}

func metavOf(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}
