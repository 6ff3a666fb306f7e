// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"context"
	"errors"
	"fmt"
	"maps"

	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"github.com/gardener/gardener/pkg/utils/managedresources"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/gardener-community/gardener-extension-acl/pkg/constants"
	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
)

// SharedManagedResourceName returns the name of the ManagedResource, in the controller's own namespace, that holds the
// EnvoyFilters envoyfilter.RenderShared renders for the ingress gateway of an ingress namespace.
func SharedManagedResourceName(ingressNamespace string) string {
	return constants.SharedManagedResourcePrefix + ingressNamespace
}

// gatewayReconciler deploys the shared listeners' configuration of every ingress gateway of the seed.
type gatewayReconciler struct {
	client    client.Client
	config    Config
	namespace string
	// rendered keeps every gateway's rendered groups, so that a shoot's change renders only the groups it is in.
	rendered *envoyfilter.SharedDataCache
}

// NewGatewayReconciler returns the gateway reconciler: for every ingress gateway of the seed it deploys
// envoyfilter.RenderShared's EnvoyFilters, for all ACL shoots the gateway serves (none: empty slots that admit
// everything), through a seed ManagedResource (SharedManagedResourceName) in the config's namespace, the controller's
// own; it removes those of gateways that are gone. It reconciles the whole seed whatever the request.
func NewGatewayReconciler(c client.Client, config Config) reconcile.Reconciler {
	return &gatewayReconciler{client: c, config: config, namespace: config.Namespace, rendered: &envoyfilter.SharedDataCache{}}
}

// Reconcile implements reconcile.Reconciler.
func (r *gatewayReconciler) Reconcile(ctx context.Context, _ reconcile.Request) (reconcile.Result, error) {
	log := logf.FromContext(ctx)
	plan, err := planShared(ctx, log, r.client, r.config)
	if err != nil {
		return reconcile.Result{}, err
	}

	r.rendered.Forget(func(namespace string) bool { return plan.gateways[namespace] != nil })
	var errs []error
	for namespace, shared := range plan.gateways {
		if !plan.deployable(namespace) {
			continue
		}
		if err := r.deploy(ctx, shared); err != nil {
			errs = append(errs, err)
		}
	}

	deployed, err := sharedManagedResources(ctx, r.client, r.namespace)
	if err != nil {
		errs = append(errs, err)
		deployed = &resourcesv1alpha1.ManagedResourceList{}
	}
	for _, managedResource := range deployed.Items {
		namespace := managedResource.Labels[constants.SharedIngressNamespaceLabel]
		if _, exists := plan.gateways[namespace]; exists || !plan.deployable(namespace) {
			continue
		}
		log.Info("Removing the shared listeners' EnvoyFilters of an ingress gateway that is gone", "ingressNamespace", namespace)
		if err := managedresources.DeleteForSeed(ctx, r.client, r.namespace, managedResource.Name); err != nil {
			errs = append(errs, fmt.Errorf("failed to delete the shared EnvoyFilters of ingress namespace %s: %w", namespace, err))
		}
	}
	if plan.retry != nil {
		errs = append(errs, plan.retry)
	}
	return reconcile.Result{}, errors.Join(errs...)
}

// deploy writes the shared EnvoyFilters of one ingress gateway: one secret per group of envoyfilter.RenderSharedGroups
// (a secret holds at most 1 MiB, all groups of a large seed together would not fit), each immutable and named by its
// content as gardener's managedresources helpers name them, so that unchanged content writes nothing and a shoot's
// rule change writes the secret of its shard only. gardener-resource-manager garbage-collects the secrets the
// ManagedResource no longer references.
func (r *gatewayReconciler) deploy(ctx context.Context, shared *envoyfilter.SharedGateway) error {
	namespace := shared.Gateway.Namespace
	groups, err := shared.Data(r.rendered)
	if err != nil {
		return fmt.Errorf("failed to render the shared EnvoyFilters of ingress namespace %s: %w", namespace, err)
	}
	name := SharedManagedResourceName(namespace)
	refs := make([]corev1.LocalObjectReference, 0, len(groups))
	for i, data := range groups {
		if data == nil {
			continue
		}
		// The cache's map stays the cache's: the client decodes the API server's answer into the secret's data.
		secretName, secret := managedresources.NewSecret(r.client, r.namespace, fmt.Sprintf("%s-%d", name, i), maps.Clone(data), true)
		if err := secret.Reconcile(ctx); err != nil {
			return fmt.Errorf("failed to deploy the shared EnvoyFilters of ingress namespace %s: %w", namespace, err)
		}
		refs = append(refs, corev1.LocalObjectReference{Name: secretName})
	}
	labels := map[string]string{constants.SharedIngressNamespaceLabel: namespace}
	if err := managedresources.NewForSeed(r.client, r.namespace, name, false).WithSecretRefs(refs).WithLabels(labels).Reconcile(ctx); err != nil {
		return fmt.Errorf("failed to deploy the shared EnvoyFilters of ingress namespace %s: %w", namespace, err)
	}
	return nil
}
