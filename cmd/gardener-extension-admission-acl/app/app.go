// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

// Package app assembles the ACL admission component: a controller-runtime manager against the garden that serves the
// Shoot validator over TLS, registers its ValidatingWebhookConfiguration, and manages its serving certificates.
package app

import (
	"context"
	"crypto/tls"
	"fmt"

	gardencoreinstall "github.com/gardener/gardener/pkg/apis/core/install"
	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/cluster"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	acladmission "github.com/gardener-community/gardener-extension-acl/pkg/admission"
	"github.com/gardener-community/gardener-extension-acl/pkg/cmdutil"
)

// NewAdmissionCommand returns the command of the admission component.
func NewAdmissionCommand(ctx context.Context) *cobra.Command {
	options := NewOptions()
	return cmdutil.NewCommand("gardener-extension-admission-acl", "Validate the ACL rules of Shoots in the garden", options, func() error { return Run(ctx, options) })
}

// Run starts the admission component and blocks until ctx is cancelled.
func Run(ctx context.Context, options *Options) error {
	managerConfig := options.Manager.Completed()
	log := cmdutil.StartLogging(managerConfig.Logger, Name)

	managerOptions := managerConfig.Options()
	managerOptions.LeaderElectionConfig = options.Runtime.Completed()
	managerOptions.WebhookServer = webhook.NewServer(webhook.Options{
		Host:    managerConfig.WebhookServerHost,
		Port:    managerConfig.WebhookServerPort,
		CertDir: managerConfig.WebhookCertDir,
		TLSOpts: []func(*tls.Config){acladmission.HardenTLS},
	})

	// The only object read from the garden besides the webhook configuration is the namespace that owns it, once per
	// reconciliation: caching every namespace of the garden would cost memory and list/watch permissions for nothing.
	managerOptions.Client.Cache = &client.CacheOptions{DisableFor: []client.Object{&corev1.Namespace{}}}
	mgr, err := manager.New(options.Garden.Completed().Config, managerOptions)
	if err != nil {
		return fmt.Errorf("failed to create the manager: %w", err)
	}
	gardencoreinstall.Install(mgr.GetScheme())

	// The runtime cluster stores the webhook CA and serving certificate; it is the garden itself unless the garden is
	// a virtual cluster. The certificate secrets are all in the webhook's namespace, so only that namespace is cached.
	webhookNamespace := options.Webhooks.Server.Completed().Namespace
	runtimeCluster, err := cluster.New(options.Runtime.Completed(), func(o *cluster.Options) {
		o.Logger = log.WithName("runtime-cluster")
		if webhookNamespace != "" {
			o.Cache.DefaultNamespaces = map[string]cache.Config{webhookNamespace: {}}
		}
	})
	if err != nil {
		return fmt.Errorf("failed to create the runtime cluster client: %w", err)
	}
	if err := mgr.Add(runtimeCluster); err != nil {
		return fmt.Errorf("failed to add the runtime cluster: %w", err)
	}

	if _, err := options.Webhooks.Completed().AddToManager(ctx, mgr, runtimeCluster); err != nil {
		return fmt.Errorf("failed to add the webhooks: %w", err)
	}

	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return fmt.Errorf("failed to add the health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("webhook-server", mgr.GetWebhookServer().StartedChecker()); err != nil {
		return fmt.Errorf("failed to add the readiness check: %w", err)
	}

	log.Info("Starting the manager")
	if err := mgr.Start(ctx); err != nil {
		return fmt.Errorf("failed to run the manager: %w", err)
	}
	return nil
}
