// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

const (
	// ManagedResourceName is the name of the seed ManagedResource that holds a shoot's EnvoyFilters.
	ManagedResourceName = "extension-acl-envoyfilters"
	// IngressGatewayLabelKey and IngressGatewayLabelValue select the Services of the seed's istio ingress gateways.
	IngressGatewayLabelKey = "app"
	// IngressGatewayLabelValue is the value of IngressGatewayLabelKey on gardener's istio ingress gateways.
	IngressGatewayLabelValue = "istio-ingressgateway"
)

// Config configures the actuator.
type Config struct {
	// AdditionalAllowedCIDRs always reach every control plane of the seed.
	AdditionalAllowedCIDRs []string
	// Limits bound the size of a shoot's rules, as in the admission webhook.
	Limits validation.Limits
}
