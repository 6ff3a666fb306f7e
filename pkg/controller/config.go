// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// Config configures the actuator.
type Config struct {
	// AdditionalAllowedCIDRs always reach every control plane of the seed.
	AdditionalAllowedCIDRs []string
	// Limits bound the size of a shoot's rules, as in the admission webhook.
	Limits validation.Limits
	// Namespace is the controller's own namespace, where the gateway reconciler keeps the shared ManagedResources. The
	// actuator keeps a shoot's filters in the shared listeners of every gateway whose shared ManagedResource is not
	// applied there (appliedSlots); without a namespace, of every gateway.
	Namespace string
}
