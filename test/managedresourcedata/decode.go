// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package managedresourcedata reads the data of a ManagedResource's secret as gardener-resource-manager reads it.
package managedresourcedata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/andybalholm/brotli"
	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	"k8s.io/apimachinery/pkg/util/yaml"
)

// Decode returns the objects in a ManagedResource secret's data, in the order gardener-resource-manager applies them:
// keys sorted, a key with the brotli suffix decompressed, every key read as a stream of YAML or JSON documents by
// k8s.io/apimachinery's YAMLOrJSONDecoder into generic values. This is what the managedresource reconciler of
// gardener-resource-manager does (pkg/resourcemanager/controller/managedresource/reconciler.go in gardener v1.150.0).
func Decode(data map[string][]byte) ([]map[string]any, error) {
	var objects []map[string]any
	for _, key := range slices.Sorted(maps.Keys(data)) {
		var reader io.Reader = bytes.NewReader(data[key])
		if strings.HasSuffix(key, resourcesv1alpha1.BrotliCompressionSuffix) {
			reader = brotli.NewReader(reader)
		}
		decoder := yaml.NewYAMLOrJSONDecoder(reader, 1024)
		for {
			var object map[string]any
			if err := decoder.Decode(&object); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, fmt.Errorf("failed to decode key %s: %w", key, err)
			}
			if object != nil {
				objects = append(objects, object)
			}
		}
	}
	return objects, nil
}

// EnvoyFilters returns the EnvoyFilters in a ManagedResource secret's data, read as Decode reads them; any other
// object is an error.
func EnvoyFilters(data map[string][]byte) ([]*istionetworkingv1alpha3.EnvoyFilter, error) {
	objects, err := Decode(data)
	if err != nil {
		return nil, err
	}
	filters := make([]*istionetworkingv1alpha3.EnvoyFilter, 0, len(objects))
	for _, object := range objects {
		if object["apiVersion"] != istionetworkingv1alpha3.SchemeGroupVersion.String() || object["kind"] != "EnvoyFilter" {
			return nil, fmt.Errorf("the data holds a %v of %v, not an EnvoyFilter", object["kind"], object["apiVersion"])
		}
		raw, err := json.Marshal(object)
		if err != nil {
			return nil, fmt.Errorf("failed to encode the decoded EnvoyFilter: %w", err)
		}
		filter := &istionetworkingv1alpha3.EnvoyFilter{}
		if err := json.Unmarshal(raw, filter); err != nil {
			return nil, fmt.Errorf("failed to decode an EnvoyFilter: %w", err)
		}
		filters = append(filters, filter)
	}
	return filters, nil
}
