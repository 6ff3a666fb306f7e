// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package exposure

import (
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
	"github.com/gardener-community/gardener-extension-acl/pkg/policy"
)

// RenderInput is what decides a shoot's EnvoyFilters, read from the seed's objects.
type RenderInput struct {
	// Input is what envoyfilter.Render takes.
	Input envoyfilter.Input
	// AlwaysAllowed are the sources that reach the control plane whatever the rules say.
	AlwaysAllowed AlwaysAllowed
	// Exposure is where the shoot is reached.
	Exposure Exposure
}

// BuildRenderInput builds the input of envoyfilter.Render for the shoot of a control plane namespace (technicalID)
// from its compiled rules and the objects the controller reads from the seed, or aclctl from exported files: both
// call it, so that they render the same filters from the same objects.
func BuildRenderInput(technicalID string, rules *policy.Policy, sources Sources, objects Objects) (RenderInput, error) {
	alwaysAllowed, err := ReadAlwaysAllowed(sources)
	if err != nil {
		return RenderInput{}, err
	}
	objects.ControlPlaneNamespace = technicalID
	found, err := Find(objects)
	if err != nil {
		return RenderInput{}, err
	}
	return RenderInput{
		Input: envoyfilter.Input{
			TechnicalID: technicalID, Policy: rules, AlwaysAllowed: alwaysAllowed.Prefixes, Gateways: found.Gateways, SharedSNIHosts: found.SharedSNIHosts,
		},
		AlwaysAllowed: alwaysAllowed,
		Exposure:      found,
	}, nil
}
