// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/andybalholm/brotli"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"google.golang.org/protobuf/encoding/protojson"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// storedEnvoyFilter is an EnvoyFilter as ManagedResourceData stores it: its spec is encoded by protojson.
type storedEnvoyFilter struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              json.RawMessage `json:"spec"`
}

// brotliWriters keeps brotli writers between calls: setting up a writer's hash tables costs more than compressing a
// shoot's filters, and a reset writer reuses them.
var brotliWriters = sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, brotli.DefaultCompression) }}

// ManagedResourceData returns the data of the secret of a ManagedResource that deploys filters: one JSON document per
// EnvoyFilter, sorted by namespace and name, compressed with brotli under the key gardener-resource-manager
// decompresses (resourcesv1alpha1.CompressedDataKey). gardener-resource-manager reads the secret's data as a stream of
// YAML or JSON documents (its managedresource reconciler decodes it with k8s.io/apimachinery's YAMLOrJSONDecoder);
// JSON written here, rather than the YAML of gardener's managedresources.Registry, spares converting every patch value
// from JSON to YAML and back, and stores fewer bytes. The output depends only on the filters: the spec is written by
// protojson, whose varying whitespace encoding/json compacts away, and the RBAC maps are written with sorted keys.
func ManagedResourceData(filters []*istionetworkingv1alpha3.EnvoyFilter) (map[string][]byte, error) {
	sorted := slices.Clone(filters)
	slices.SortFunc(sorted, func(a, b *istionetworkingv1alpha3.EnvoyFilter) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})

	var documents bytes.Buffer
	encoder := json.NewEncoder(&documents)
	encoder.SetEscapeHTML(false)
	for _, filter := range sorted {
		spec, err := protojson.Marshal(&filter.Spec)
		if err != nil {
			return nil, fmt.Errorf("failed to encode the spec of EnvoyFilter %s/%s: %w", filter.Namespace, filter.Name, err)
		}
		stored := storedEnvoyFilter{
			TypeMeta:   metav1.TypeMeta{APIVersion: istionetworkingv1alpha3.SchemeGroupVersion.String(), Kind: "EnvoyFilter"},
			ObjectMeta: filter.ObjectMeta,
			Spec:       spec,
		}
		// Encode ends every document with a newline.
		if err := encoder.Encode(stored); err != nil {
			return nil, fmt.Errorf("failed to encode EnvoyFilter %s/%s: %w", filter.Namespace, filter.Name, err)
		}
	}

	var compressed bytes.Buffer
	writer := brotliWriters.Get().(*brotli.Writer)
	defer brotliWriters.Put(writer)
	writer.Reset(&compressed)
	if _, err := writer.Write(documents.Bytes()); err != nil {
		return nil, fmt.Errorf("failed to compress the EnvoyFilters: %w", err)
	}
	if err := writer.Close(); err != nil {
		return nil, fmt.Errorf("failed to compress the EnvoyFilters: %w", err)
	}
	return map[string][]byte{resourcesv1alpha1.CompressedDataKey: compressed.Bytes()}, nil
}
