// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package cmd holds the command line options of the ACL seed controller.
package cmd

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/spf13/pflag"

	"github.com/gardener-community/gardener-extension-acl/pkg/cmdutil"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/pkg/controller/healthcheck"
)

// ACLOptions configure what the controller enforces.
type ACLOptions struct {
	// AdditionalAllowedCIDRs always reach every control plane of the seed, e.g. the operators' networks.
	AdditionalAllowedCIDRs []string
	// Limits bound the size of a shoot's rules: the same options as the admission component's, so that the controller
	// enforces what the webhook admitted.
	Limits *cmdutil.LimitsOptions
	// HealthCheckSyncPeriod is how often the health of the EnvoyFilters is checked.
	HealthCheckSyncPeriod time.Duration
	// MaxRetryDelay caps the backoff between the attempts of a shoot whose reconcile fails.
	MaxRetryDelay time.Duration

	config *ACLConfig
}

// ACLConfig is the completed configuration of ACLOptions.
type ACLConfig struct {
	// Config configures the actuator and the gateway reconciler. Its Namespace is not a flag: the caller sets it to the
	// controller's own namespace.
	aclcontroller.Config
	// HealthCheckSyncPeriod is how often the health of the EnvoyFilters is checked.
	HealthCheckSyncPeriod time.Duration
	// MaxRetryDelay caps the backoff between the attempts of a shoot whose reconcile fails.
	MaxRetryDelay time.Duration
}

// NewACLOptions returns ACLOptions with the defaults.
func NewACLOptions() *ACLOptions {
	return &ACLOptions{
		Limits:                cmdutil.NewLimitsOptions(),
		HealthCheckSyncPeriod: healthcheck.DefaultSyncPeriod,
		MaxRetryDelay:         aclcontroller.DefaultMaxRetryDelay,
	}
}

// AddFlags implements Flagger.AddFlags.
func (o *ACLOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringSliceVar(&o.AdditionalAllowedCIDRs, "additional-allowed-cidrs", o.AdditionalAllowedCIDRs, "CIDRs that always reach every shoot control plane of the seed, whatever the shoots' rules say.")
	fs.DurationVar(&o.HealthCheckSyncPeriod, "healthcheck-sync-period", o.HealthCheckSyncPeriod, "How often the health of the shoots' EnvoyFilters is checked.")
	fs.DurationVar(&o.MaxRetryDelay, "max-retry-delay", o.MaxRetryDelay, "The longest a shoot whose reconcile failed waits for its next attempt (the backoff doubles from 5ms up to this).")
	o.Limits.AddFlags(fs)
}

// Complete implements Completer.Complete.
func (o *ACLOptions) Complete() error {
	for _, cidr := range o.AdditionalAllowedCIDRs {
		if _, err := netip.ParsePrefix(cidr); err != nil {
			return fmt.Errorf("invalid --additional-allowed-cidrs entry %q: %w", cidr, err)
		}
	}
	if err := o.Limits.Complete(); err != nil {
		return err
	}
	if o.HealthCheckSyncPeriod <= 0 {
		return fmt.Errorf("--healthcheck-sync-period must be positive, got %s", o.HealthCheckSyncPeriod)
	}
	if o.MaxRetryDelay <= 0 {
		return fmt.Errorf("--max-retry-delay must be positive, got %s", o.MaxRetryDelay)
	}
	o.config = &ACLConfig{
		Config:                aclcontroller.Config{AdditionalAllowedCIDRs: slices.Clone(o.AdditionalAllowedCIDRs), Limits: *o.Limits.Completed()},
		HealthCheckSyncPeriod: o.HealthCheckSyncPeriod,
		MaxRetryDelay:         o.MaxRetryDelay,
	}
	return nil
}

// Completed returns the completed configuration. Only call this if Complete was successful.
func (o *ACLOptions) Completed() *ACLConfig {
	return o.config
}
