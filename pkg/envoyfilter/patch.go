// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package envoyfilter

import (
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
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
	// Encoding the message itself and adding its type URL gives what protojson writes for it wrapped in an Any,
	// without encoding it to the binary form and decoding it again, which is what protojson does with an Any.
	raw, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("failed to encode the filter config: %w", err)
	}
	var typedConfig map[string]any
	if err := json.Unmarshal(raw, &typedConfig); err != nil {
		return nil, fmt.Errorf("failed to decode the filter config: %w", err)
	}
	typedConfig["@type"] = typeURLPrefix + string(config.ProtoReflect().Descriptor().FullName())
	value, err := structpb.NewStruct(map[string]any{"name": filterName, "typed_config": typedConfig})
	if err != nil {
		return nil, fmt.Errorf("failed to build the patch value: %w", err)
	}
	return value, nil
}

// typeURLPrefix is the prefix of the type URL of an Any that anypb.New writes.
const typeURLPrefix = "type.googleapis.com/"
