// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package validation

import (
	"fmt"

	"github.com/spf13/pflag"
)

const (
	// DefaultMaxEntries is the default maximum number of CIDR entries in one shoot's rules.
	DefaultMaxEntries = 1000
	// DefaultMaxCompiledPrefixes is the default maximum number of prefixes the rules may compile to. DENY exceptions
	// split allowed ranges, so it is well above the entry limit: one /32 denied out of 0.0.0.0/0 alone yields 32.
	DefaultMaxCompiledPrefixes = 4000
)

// Limits bound the size of a shoot's rules, because every compiled prefix becomes an Envoy RBAC principal on the
// seed's shared ingress gateway.
type Limits struct {
	// MaxEntries is the maximum number of CIDR entries over all rules.
	MaxEntries int
	// MaxCompiledPrefixes is the maximum number of prefixes the rules compile to, over both families.
	MaxCompiledPrefixes int
}

// DefaultLimits returns the limits used when an operator configures none.
func DefaultLimits() Limits {
	return Limits{MaxEntries: DefaultMaxEntries, MaxCompiledPrefixes: DefaultMaxCompiledPrefixes}
}

// AddFlags adds flags for the limits to the flag set. The limits' current values are the flags' defaults, so the
// defaults live where the limits are created (DefaultLimits) and not a second time here.
func (l *Limits) AddFlags(fs *pflag.FlagSet) {
	fs.IntVar(&l.MaxEntries, "max-entries", l.MaxEntries, "Maximum number of CIDR entries in one shoot's ACL rules.")
	fs.IntVar(&l.MaxCompiledPrefixes, "max-compiled-prefixes", l.MaxCompiledPrefixes, "Maximum number of prefixes one shoot's ACL rules may compile to.")
}

// Validate checks that the limits can be applied.
func (l Limits) Validate() error {
	if l.MaxEntries < 1 {
		return fmt.Errorf("--max-entries must be at least 1, got %d", l.MaxEntries)
	}
	if l.MaxCompiledPrefixes < l.MaxEntries {
		return fmt.Errorf("--max-compiled-prefixes (%d) must be at least --max-entries (%d)", l.MaxCompiledPrefixes, l.MaxEntries)
	}
	return nil
}
