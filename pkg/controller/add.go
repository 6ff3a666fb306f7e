// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"cmp"
	"context"
	"time"

	"github.com/gardener/gardener/extensions/pkg/controller/extension"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
)

const (
	// Name is the name of the ACL extension controller.
	Name = "acl"
	// FinalizerSuffix is the suffix of the finalizer the controller puts on Extensions.
	FinalizerSuffix = "acl"
)

// AddOptions configure how the controller is added to a manager.
type AddOptions struct {
	// Controller are the controller-runtime options, e.g. MaxConcurrentReconciles.
	Controller controller.Options
	// Config configures the actuator.
	Config Config
	// IgnoreOperationAnnotation reconciles on every change, not only when gardener asks for it.
	IgnoreOperationAnnotation bool
	// MaxRetryDelay caps the backoff of a failing shoot; zero means DefaultMaxRetryDelay. Ignored when
	// Controller.RateLimiter is set.
	MaxRetryDelay time.Duration
}

// AddToManagerWithOptions adds the controller of Extension resources of type acl to the manager.
func AddToManagerWithOptions(ctx context.Context, mgr manager.Manager, options AddOptions) error {
	controllerOptions := options.Controller
	if controllerOptions.RateLimiter == nil {
		controllerOptions.RateLimiter = NewRetryRateLimiter(cmp.Or(options.MaxRetryDelay, DefaultMaxRetryDelay))
	}
	// No periodic resync, as in gardener's registry-cache extension: gardenlet asks for a reconcile on every reconcile
	// of the shoot, the watches enqueue a shoot whenever an input of its filters changes, and the health check reports
	// filters that are not applied. A resync would re-render every shoot of the seed for nothing.
	return extension.Add(mgr, extension.AddArgs{
		Actuator:                  NewActuator(mgr.GetClient(), mgr.GetEventRecorder(Name+"-controller"), options.Config),
		ControllerOptions:         controllerOptions,
		Name:                      Name,
		FinalizerSuffix:           FinalizerSuffix,
		Resync:                    0,
		Predicates:                extension.DefaultPredicates(ctx, mgr, options.IgnoreOperationAnnotation),
		Type:                      constants.ExtensionType,
		IgnoreOperationAnnotation: options.IgnoreOperationAnnotation,
		WatchBuilder:              watches(mgr, options.Config.Namespace),
	})
}
