// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package cmd holds the command line options of the ACL admission component.
package cmd

import (
	"fmt"

	extensionswebhook "github.com/gardener/gardener/extensions/pkg/webhook"
	webhookcmd "github.com/gardener/gardener/extensions/pkg/webhook/cmd"
	"github.com/spf13/pflag"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/gardener-community/gardener-extension-acl/pkg/admission/validator"
	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
)

// ValidationOptions are the limits the admission component enforces on ACL rules.
type ValidationOptions struct {
	validation.Limits
	config *ValidationConfig
}

// ValidationConfig is the completed configuration of ValidationOptions.
type ValidationConfig struct {
	// Limits bound the size of a shoot's rules.
	Limits validation.Limits
}

// NewValidationOptions returns ValidationOptions with the default limits.
func NewValidationOptions() *ValidationOptions {
	return &ValidationOptions{Limits: validation.DefaultLimits()}
}

// AddFlags implements Flagger.AddFlags.
func (o *ValidationOptions) AddFlags(fs *pflag.FlagSet) {
	o.Limits.AddFlags(fs)
}

// Complete implements Completer.Complete.
func (o *ValidationOptions) Complete() error {
	if err := o.Limits.Validate(); err != nil {
		return fmt.Errorf("invalid validation options: %w", err)
	}
	o.config = &ValidationConfig{Limits: o.Limits}
	return nil
}

// Completed returns the completed ValidationConfig. Only call this if Complete was successful.
func (o *ValidationOptions) Completed() *ValidationConfig {
	return o.config
}

// GardenWebhookSwitchOptions are the webhook switches of the admission component; the limits are read when the
// manager builds the webhooks, after the flags were parsed.
func GardenWebhookSwitchOptions(validationOptions *ValidationOptions) *webhookcmd.SwitchOptions {
	return webhookcmd.NewSwitchOptions(
		webhookcmd.Switch(validator.Name, func(mgr manager.Manager) (*extensionswebhook.Webhook, error) {
			return validator.New(mgr, validationOptions.Completed().Limits)
		}),
	)
}
