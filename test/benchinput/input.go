// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package benchinput

import (
	"encoding/json"
	"fmt"
	"strings"

	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// CIDRs returns n distinct CIDRs: even positions IPv4 /24 (11.0.0.0/24, 11.0.1.0/24, …), odd positions IPv6 /64
// (2001:db8:0:1::/64, 2001:db8:0:3::/64, …).
func CIDRs(n int) []string {
	cidrs := make([]string, 0, n)
	for i := range n {
		if i%2 == 0 {
			cidrs = append(cidrs, fmt.Sprintf("%d.%d.%d.0/24", 11+i/65536, i/256%256, i%256))
		} else {
			cidrs = append(cidrs, fmt.Sprintf("2001:db8:%x:%x::/64", i/65536, i%65536))
		}
	}
	return cidrs
}

// ProviderConfig returns the legacy single-rule providerConfig of both extensions with CIDRs(n):
// {"rule":{"action":"ALLOW","type":"remote_ip","cidrs":[…]}}.
func ProviderConfig(n int) []byte {
	return []byte(`{"rule":{"action":"ALLOW","type":"remote_ip","cidrs":["` + strings.Join(CIDRs(n), `","`) + `"]}}`)
}

// Shoot returns a v1beta1 Shoot, as the API server sends it to a webhook, with the acl extension and ProviderConfig(n).
func Shoot(n int) []byte {
	shoot := &gardencorev1beta1.Shoot{
		TypeMeta: metav1.TypeMeta{APIVersion: gardencorev1beta1.SchemeGroupVersion.String(), Kind: "Shoot"},
		ObjectMeta: metav1.ObjectMeta{
			Name: "bench", Namespace: "garden-dev", UID: "c0a2f7b4-5b6e-4c38-9f3e-2d1c7c1e0b11",
			Labels: map[string]string{"extensions.extensions.gardener.cloud/acl": "true"},
		},
		Spec: gardencorev1beta1.ShootSpec{
			Region:     "local",
			Provider:   gardencorev1beta1.Provider{Type: "local", Workers: []gardencorev1beta1.Worker{{Name: "pool", Minimum: 1, Maximum: 3}}},
			Kubernetes: gardencorev1beta1.Kubernetes{Version: "1.33.0"},
			Extensions: []gardencorev1beta1.Extension{{Type: "acl", ProviderConfig: &runtime.RawExtension{Raw: ProviderConfig(n)}}},
		},
	}
	return mustMarshal(shoot)
}

// AdmissionReview returns the admission.k8s.io/v1 AdmissionReview of a CREATE of Shoot(n), as the kube-apiserver
// posts it to a validating webhook.
func AdmissionReview(n int) []byte {
	return mustMarshal(&admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: admissionv1.SchemeGroupVersion.String(), Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:         "7d3e6a52-2f1b-4f43-a8a5-0b7a3c9e1d20",
			Kind:        metav1.GroupVersionKind{Group: "core.gardener.cloud", Version: "v1beta1", Kind: "Shoot"},
			Resource:    metav1.GroupVersionResource{Group: "core.gardener.cloud", Version: "v1beta1", Resource: "shoots"},
			RequestKind: &metav1.GroupVersionKind{Group: "core.gardener.cloud", Version: "v1beta1", Kind: "Shoot"},
			Name:        "bench",
			Namespace:   "garden-dev",
			Operation:   admissionv1.Create,
			UserInfo:    authenticationv1.UserInfo{Username: "alice@example.com", Groups: []string{"system:authenticated"}},
			Object:      runtime.RawExtension{Raw: Shoot(n)},
		},
	})
}

func mustMarshal(value any) []byte {
	raw, err := json.Marshal(value)
	if err != nil {
		panic(fmt.Sprintf("failed to encode benchmark input: %v", err))
	}
	return raw
}
