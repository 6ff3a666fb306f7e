// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package cmd holds the command line options of the ACL admission component.
package cmd

import (
	extensionswebhook "github.com/gardener/gardener/extensions/pkg/webhook"
	extensionscmdwebhook "github.com/gardener/gardener/extensions/pkg/webhook/cmd"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/gardener-community/gardener-extension-acl/pkg/admission/validator"
	"github.com/gardener-community/gardener-extension-acl/pkg/cmdutil"
)

// GardenWebhookSwitchOptions are the webhook switches of the admission component; the limits are read when the
// manager builds the webhooks, after the options were completed.
func GardenWebhookSwitchOptions(limits *cmdutil.LimitsOptions) *extensionscmdwebhook.SwitchOptions {
	return extensionscmdwebhook.NewSwitchOptions(
		extensionscmdwebhook.Switch(validator.Name, func(mgr manager.Manager) (*extensionswebhook.Webhook, error) {
			return validator.New(mgr, *limits.Completed())
		}),
	)
}
