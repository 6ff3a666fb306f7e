// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilters

import (
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	istioapinetworkingv1alpha3 "istio.io/api/networking/v1alpha3"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
)

// Insertion is a patch of an EnvoyFilter that inserts a filter, with the configuration Envoy runs.
type Insertion struct {
	// Patch is the EnvoyFilter's patch.
	Patch *istioapinetworkingv1alpha3.EnvoyFilter_EnvoyConfigObjectPatch
	// TypedConfig is the filter's typed_config: the patch's own or, for a filter whose configuration comes by ECDS,
	// that of the EXTENSION_CONFIG of its name.
	TypedConfig map[string]any
	// DefaultConfig is the typed config Envoy applies until, or instead of, a configuration that comes by ECDS; nil
	// for a filter configured in the listener.
	DefaultConfig map[string]any
	// WithoutWarming is set when Envoy applies DefaultConfig without waiting for the discovered configuration.
	WithoutWarming bool
}

// Insertions returns the patches of EnvoyFilters that insert filters, in order, with their configurations. A filter
// whose configuration comes by ECDS must find it in one of the given EnvoyFilters (istiod looks EXTENSION_CONFIGs up
// by name among all EnvoyFilters that apply to the proxy): a shoot's own filters hold theirs, the shared listeners'
// slot filters are configured by the other objects of envoyfilter.RenderShared.
func Insertions(filters ...*istionetworkingv1alpha3.EnvoyFilter) ([]Insertion, error) {
	configs := map[string]map[string]any{}
	for _, filter := range filters {
		for _, patch := range filter.Spec.ConfigPatches {
			if patch.ApplyTo == istioapinetworkingv1alpha3.EnvoyFilter_EXTENSION_CONFIG {
				value := patch.GetPatch().GetValue().AsMap()
				name, _ := value["name"].(string)
				configs[name] = value
			}
		}
	}
	var insertions []Insertion
	for _, filter := range filters {
		found, err := insertionsOf(filter, configs)
		if err != nil {
			return nil, err
		}
		insertions = append(insertions, found...)
	}
	return insertions, nil
}

// insertionsOf returns the insertions of one EnvoyFilter, with the configurations of the given names.
func insertionsOf(filter *istionetworkingv1alpha3.EnvoyFilter, configs map[string]map[string]any) ([]Insertion, error) {
	var insertions []Insertion
	for _, patch := range filter.Spec.ConfigPatches {
		if patch.ApplyTo == istioapinetworkingv1alpha3.EnvoyFilter_EXTENSION_CONFIG {
			continue
		}
		value := patch.GetPatch().GetValue().AsMap()
		discovery, discovered := value["config_discovery"].(map[string]any)
		if !discovered {
			typedConfig, _ := value["typed_config"].(map[string]any)
			insertions = append(insertions, Insertion{Patch: patch, TypedConfig: typedConfig})
			continue
		}
		name, _ := value["name"].(string)
		config, found := configs[name]
		if !found {
			return nil, fmt.Errorf("failed to find the configuration of filter %s in EnvoyFilter %s/%s", name, filter.Namespace, filter.Name)
		}
		typedConfig, _ := config["typed_config"].(map[string]any)
		defaultConfig, _ := discovery["default_config"].(map[string]any)
		withoutWarming, _ := discovery["apply_default_config_without_warming"].(bool)
		insertions = append(insertions, Insertion{Patch: patch, TypedConfig: typedConfig, DefaultConfig: defaultConfig, WithoutWarming: withoutWarming})
	}
	return insertions, nil
}

// Decode reads a typed config into the go-control-plane type, as Envoy would, and validates it.
func Decode(typedConfig map[string]any, into proto.Message) error {
	raw, err := json.Marshal(typedConfig)
	if err != nil {
		return fmt.Errorf("failed to encode the typed config: %w", err)
	}
	config := &anypb.Any{}
	if err := protojson.Unmarshal(raw, config); err != nil {
		return fmt.Errorf("failed to read the typed config: %w", err)
	}
	if err := config.UnmarshalTo(into); err != nil {
		return fmt.Errorf("failed to read the typed config as %T: %w", into, err)
	}
	if validated, ok := into.(interface{ ValidateAll() error }); ok {
		if err := validated.ValidateAll(); err != nil {
			return fmt.Errorf("failed to validate the typed config: %w", err)
		}
	}
	return nil
}
