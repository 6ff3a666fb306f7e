// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package cmdutil

import (
	"github.com/spf13/pflag"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// LimitsOptions are the rule limits (--max-entries, --max-compiled-prefixes). The admission component and the seed
// controller must enforce the same limits, so both binaries take them through this one type: the flags, their
// defaults and their validation cannot drift apart.
type LimitsOptions struct {
	// Limits are the limits set by the flags; their values before AddFlags are the flags' defaults.
	Limits validation.Limits

	config *validation.Limits
}

// NewLimitsOptions returns LimitsOptions with the default limits.
func NewLimitsOptions() *LimitsOptions {
	return &LimitsOptions{Limits: validation.DefaultLimits()}
}

// AddFlags implements Flagger.AddFlags.
func (o *LimitsOptions) AddFlags(fs *pflag.FlagSet) {
	o.Limits.AddFlags(fs)
}

// Complete implements Completer.Complete. It refuses limits no shoot could be reconciled with.
func (o *LimitsOptions) Complete() error {
	if err := o.Limits.Validate(); err != nil {
		return err
	}
	limits := o.Limits
	o.config = &limits
	return nil
}

// Completed returns the completed limits. Only call this if Complete was successful.
func (o *LimitsOptions) Completed() *validation.Limits {
	return o.config
}
