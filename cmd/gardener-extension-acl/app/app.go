// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package app assembles the ACL seed controller: the controller of Extensions of type acl, the gateway reconciler of
// the shared listeners, its health check and the heartbeat gardenlet watches, in one controller-runtime manager against
// the seed.
package app

import (
	"context"
	"fmt"

	"github.com/gardener/gardener/extensions/pkg/controller/heartbeat"
	"github.com/gardener/gardener/pkg/client/kubernetes"
	gardenerhealthz "github.com/gardener/gardener/pkg/healthz"
	"github.com/spf13/cobra"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/gardener-community/gardener-extension-acl/pkg/cmdutil"
	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	aclcontroller "github.com/gardener-community/gardener-extension-acl/pkg/controller"
	"github.com/gardener-community/gardener-extension-acl/pkg/controller/healthcheck"
)

// NewControllerCommand returns the command of the seed controller.
func NewControllerCommand(ctx context.Context) *cobra.Command {
	options := NewOptions()
	return cmdutil.NewCommand(Name, "Enforce the ACL rules of the shoots of a seed with EnvoyFilters", options, func() error { return Run(ctx, options) })
}

// Run starts the seed controller and blocks until ctx is cancelled.
func Run(ctx context.Context, options *Options) error {
	managerConfig := options.Manager.Completed()
	heartbeatConfig := options.Heartbeat.Completed()
	aclConfig := options.ACL.Completed()
	log := cmdutil.StartLogging(managerConfig.Logger, Name)

	managerOptions := managerConfig.Options()
	managerOptions.Scheme = kubernetes.SeedScheme
	// The controller reads one ConfigMap, the ingress gateways' Deployments, Services and EnvoyFilters and its heartbeat
	// lease; caching all of them in a seed with thousands of shoots would cost memory for nothing, and would need
	// permissions it has no use for. Secrets (the ManagedResources' data) are only written and read back by name, so
	// they are not cached at all.
	ingressGateways := cache.ByObject{Label: labels.SelectorFromSet(labels.Set{constants.IngressGatewayLabelKey: constants.IngressGatewayLabelValue})}
	managerOptions.Cache.ByObject = map[client.Object]cache.ByObject{
		&corev1.ConfigMap{}:                    {Namespaces: map[string]cache.Config{constants.SeedShootInfoNamespace: {}}},
		&corev1.Service{}:                      ingressGateways,
		&appsv1.Deployment{}:                   ingressGateways,
		&istionetworkingv1alpha3.EnvoyFilter{}: ingressGateways,
		&coordinationv1.Lease{}:                {Namespaces: map[string]cache.Config{heartbeatConfig.Namespace: {}}},
	}
	managerOptions.Client.Cache = &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}}}
	mgr, err := manager.New(options.REST.Completed().Config, managerOptions)
	if err != nil {
		return fmt.Errorf("failed to create the manager: %w", err)
	}

	// The controller runs in the extension's namespace, which is also the namespace of its heartbeat lease (the chart
	// sets both from the release namespace); the shared listeners' ManagedResources live there.
	config := aclConfig.Config
	config.Namespace = heartbeatConfig.Namespace
	controllerOptions := options.Controller.Completed().Options()
	if err := aclcontroller.AddToManagerWithOptions(ctx, mgr, aclcontroller.AddOptions{
		Controller:                controllerOptions,
		Config:                    config,
		IgnoreOperationAnnotation: options.Reconciler.Completed().IgnoreOperationAnnotation,
		MaxRetryDelay:             aclConfig.MaxRetryDelay,
	}); err != nil {
		return fmt.Errorf("failed to add the ACL controller: %w", err)
	}
	if err := aclcontroller.AddGatewayReconcilerToManager(mgr, aclcontroller.GatewayAddOptions{
		Config:        config,
		MaxRetryDelay: aclConfig.MaxRetryDelay,
	}); err != nil {
		return fmt.Errorf("failed to add the gateway reconciler: %w", err)
	}
	if err := aclcontroller.AddMonitoringToManager(mgr, config.Namespace); err != nil {
		return fmt.Errorf("failed to add the monitoring deployment: %w", err)
	}
	if err := aclcontroller.AddOrphanReconcilerToManager(mgr); err != nil {
		return fmt.Errorf("failed to add the orphan reconciler: %w", err)
	}
	if err := healthcheck.AddToManager(mgr, controllerOptions, aclConfig.HealthCheckSyncPeriod); err != nil {
		return fmt.Errorf("failed to add the health check controller: %w", err)
	}

	if err := heartbeat.Add(mgr, heartbeat.AddArgs{
		ExtensionName:        heartbeatConfig.ExtensionName,
		Namespace:            heartbeatConfig.Namespace,
		RenewIntervalSeconds: heartbeatConfig.RenewIntervalSeconds,
		Clock:                clock.RealClock{},
	}); err != nil {
		return fmt.Errorf("failed to add the heartbeat controller: %w", err)
	}

	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return fmt.Errorf("failed to add the health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("informer-sync", gardenerhealthz.NewCacheSyncHealthz(mgr.GetCache())); err != nil {
		return fmt.Errorf("failed to add the readiness check: %w", err)
	}

	log.Info("Starting the manager")
	if err := mgr.Start(ctx); err != nil {
		return fmt.Errorf("failed to run the manager: %w", err)
	}
	return nil
}
