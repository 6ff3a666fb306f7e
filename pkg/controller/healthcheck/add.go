// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package healthcheck reports in the Extension's conditions whether the shoot's EnvoyFilters are applied, using
// gardener's healthcheck library on the ManagedResource that holds them.
package healthcheck

import (
	"time"

	extensionsconfigv1alpha1 "github.com/gardener/gardener/extensions/pkg/apis/config/v1alpha1"
	"github.com/gardener/gardener/extensions/pkg/controller/healthcheck"
	"github.com/gardener/gardener/extensions/pkg/controller/healthcheck/general"
	gardencorev1beta1 "github.com/gardener/gardener/pkg/apis/core/v1beta1"
	extensionsv1alpha1 "github.com/gardener/gardener/pkg/apis/extensions/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
)

// DefaultSyncPeriod is how often the health of the EnvoyFilters is checked when nothing else triggers it.
const DefaultSyncPeriod = 30 * time.Second

// AddToManager registers the health check of the ACL extension: the condition ControlPlaneHealthy follows the health
// of the ManagedResource with the shoot's EnvoyFilters, because an unapplied filter leaves the control plane either
// unprotected or unreachable.
func AddToManager(mgr manager.Manager, controllerOptions controller.Options, syncPeriod time.Duration) error {
	return healthcheck.DefaultRegistration(
		constants.ExtensionType,
		extensionsv1alpha1.SchemeGroupVersion.WithKind(extensionsv1alpha1.ExtensionResource),
		func() client.ObjectList { return &extensionsv1alpha1.ExtensionList{} },
		func() extensionsv1alpha1.Object { return &extensionsv1alpha1.Extension{} },
		mgr,
		healthcheck.DefaultAddArgs{
			Controller:        controllerOptions,
			HealthCheckConfig: extensionsconfigv1alpha1.HealthCheckConfig{SyncPeriod: metav1.Duration{Duration: syncPeriod}},
		},
		nil,
		[]healthcheck.ConditionTypeToHealthCheck{{
			ConditionType: string(gardencorev1beta1.ShootControlPlaneHealthy),
			HealthCheck:   general.CheckManagedResource(constants.ManagedResourceName),
		}},
		sets.New[gardencorev1beta1.ConditionType](),
	)
}
