// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package policytest

import (
	"encoding/json"
	"fmt"
	"math"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/v1alpha1"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
)

// unlimited lets rule sets of any size compile: the limits are an operator's setting, not part of the compilation.
var unlimited = validation.Limits{MaxEntries: math.MaxInt, MaxCompiledPrefixes: math.MaxInt}

// Compile writes a configuration as a typed providerConfig and compiles it with validation.ValidateProviderConfig,
// the webhook's path into policy.Build, on an update whose old providerConfig is the same: entries that denote one
// prefix but are not written canonically (host bits set, upper-case IPv6) are ratcheted and compiled as the network
// Envoy matches, as the controller enforces them; every other finding is an error. The principal type defaults as in
// a shoot's providerConfig.
func Compile(config *acl.ACLConfig) (*policy.Policy, error) {
	versioned := &v1alpha1.ACLConfig{}
	if err := v1alpha1.Convert_acl_ACLConfig_To_v1alpha1_ACLConfig(config, versioned, nil); err != nil {
		return nil, fmt.Errorf("failed to convert the configuration to %s: %w", v1alpha1.SchemeGroupVersion, err)
	}
	versioned.APIVersion, versioned.Kind = v1alpha1.SchemeGroupVersion.String(), "ACLConfig"
	raw, err := json.Marshal(versioned)
	if err != nil {
		return nil, fmt.Errorf("failed to encode the configuration: %w", err)
	}

	result := validation.ValidateProviderConfig(raw, raw, field.NewPath("providerConfig"), unlimited)
	if err := result.Errors.ToAggregate(); err != nil {
		return nil, fmt.Errorf("failed to compile the configuration: %w", err)
	}
	return result.Policy, nil
}
