// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package validator contains the webhook that validates the acl extension of Shoots in the garden.
package validator

import (
	extensionswebhook "github.com/gardener/gardener/extensions/pkg/webhook"
	"github.com/gardener/gardener/pkg/apis/core"
	v1beta1constants "github.com/gardener/gardener/pkg/apis/core/v1beta1/constants"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/utils/ptr"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
)

const (
	// Name is the name of the webhook, also used to enable or disable it.
	Name = "validator"
	// Path is the path the webhook server serves the validator on.
	Path = "/webhooks/validate-shoot-acl"
)

// ShootSelector selects the Shoots that use the acl extension: gardener's ExtensionLabels admission plugin labels them,
// so Shoots without the extension are never sent to this webhook.
var ShootSelector = &metav1.LabelSelector{MatchLabels: map[string]string{
	v1beta1constants.LabelExtensionExtensionTypePrefix + constants.ExtensionType: "true",
}}

// New returns the webhook that validates the acl extension of Shoots on CREATE and UPDATE. It fails closed: while the
// webhook cannot be reached, Shoots with the extension cannot be created or changed, so no malformed rule slips in.
func New(mgr manager.Manager, limits validation.Limits) (*extensionswebhook.Webhook, error) {
	metrics, err := NewMetrics(metrics.Registry)
	if err != nil {
		return nil, err
	}
	log := logf.Log.WithName("acl-shoot-validator")
	decoder := serializer.NewCodecFactory(mgr.GetScheme()).UniversalDecoder()

	return &extensionswebhook.Webhook{
		Action:         extensionswebhook.ActionValidating,
		Name:           Name,
		Path:           Path,
		Target:         extensionswebhook.TargetSeed,
		Types:          []extensionswebhook.Type{{Obj: &core.Shoot{}}},
		ObjectSelector: ShootSelector,
		FailurePolicy:  ptr.To(admissionregistrationv1.Fail),
		TimeoutSeconds: ptr.To[int32](10),
		Webhook: &admission.Webhook{
			Handler:      NewShootHandler(decoder, limits, metrics, log),
			RecoverPanic: ptr.To(true),
		},
	}, nil
}
