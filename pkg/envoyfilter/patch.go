// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Names of the Envoy filters the ACL extension inserts.
const (
	// NetworkRBACFilterName is the name of Envoy's network RBAC filter.
	NetworkRBACFilterName = "envoy.filters.network.rbac"
	// HTTPRBACFilterName is the name of Envoy's HTTP RBAC filter.
	HTTPRBACFilterName = "envoy.filters.http.rbac"
)

// PatchValue returns the value of an EnvoyFilter patch that inserts a filter: {"name": ..., "typed_config": {...}}.
// protojson output is deliberately unstable in its spacing, so it is decoded into a generic structure whose encoding
// is stable: the same filter always yields byte-identical EnvoyFilters.
func PatchValue(filterName string, config proto.Message) (*structpb.Struct, error) {
	typedConfig, err := anypb.New(config)
	if err != nil {
		return nil, fmt.Errorf("failed to wrap the filter config: %w", err)
	}
	raw, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(typedConfig)
	if err != nil {
		return nil, fmt.Errorf("failed to encode the filter config: %w", err)
	}
	var generic map[string]any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return nil, fmt.Errorf("failed to decode the filter config: %w", err)
	}
	value, err := structpb.NewStruct(map[string]any{"name": filterName, "typed_config": generic})
	if err != nil {
		return nil, fmt.Errorf("failed to build the patch value: %w", err)
	}
	return value, nil
}
