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

	"github.com/gardener-community/gardener-extension-acl/pkg/apis/acl/validation"
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
	// ResyncPeriod re-reconciles every Extension periodically; zero disables it.
	ResyncPeriod time.Duration
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
	return extension.Add(mgr, extension.AddArgs{
		Actuator:                  NewActuator(mgr.GetClient(), mgr.GetEventRecorder(Name+"-controller"), options.Config),
		ControllerOptions:         controllerOptions,
		Name:                      Name,
		FinalizerSuffix:           FinalizerSuffix,
		Resync:                    options.ResyncPeriod,
		Predicates:                extension.DefaultPredicates(ctx, mgr, options.IgnoreOperationAnnotation),
		Type:                      validation.ExtensionType,
		IgnoreOperationAnnotation: options.IgnoreOperationAnnotation,
		WatchBuilder:              watches(mgr, options.Config.Namespace),
	})
}
