// SPDX-FileCopyrightText: 2026 SAP SE or an SAP affiliate company and Gardener contributors
//
// SPDX-License-Identifier: Apache-2.0

package controller

import (
	"context"
	"fmt"

	resourcesv1alpha1 "github.com/gardener/gardener/pkg/apis/resources/v1alpha1"
	"k8s.io/apimachinery/pkg/util/sets"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gardener-community/gardener-extension-acl/pkg/envoyfilter"
)

// switchedGateways returns the ingress namespaces whose shared listeners enforce the ACL shoots' rules through the
// shared slot filters: gardener-resource-manager has applied their shared ManagedResource (sharedFiltersApplied). On
// the others a shoot's own EnvoyFilter keeps its filters in the shared listeners, so that no step of switching a seed
// to the slots, and no gateway that is new, leaves the shoot's requests there unprotected. Without a namespace for
// the shared ManagedResources no gateway is switched.
func switchedGateways(ctx context.Context, reader client.Reader, namespace string) (sets.Set[string], error) {
	switched := sets.New[string]()
	if namespace == "" {
		return switched, nil
	}
	deployed, err := sharedManagedResources(ctx, reader, namespace)
	if err != nil {
		return nil, err
	}
	for i := range deployed.Items {
		if sharedFiltersApplied(&deployed.Items[i]) {
			switched.Insert(deployed.Items[i].Labels[SharedIngressNamespaceLabel])
		}
	}
	return switched, nil
}

// sharedFiltersApplied tells whether a shared ManagedResource's EnvoyFilters are in place: gardener-resource-manager
// lists the objects of a ManagedResource in its status only after it applied all of them (a failed apply updates
// only the conditions: pkg/resourcemanager/controller/managedresource/reconciler.go, gardener v1.150.0), so the
// insertion object envoyfilter.SharedFiltersName in the status means the slot filters and their configurations exist. A ManagedResource being deleted switches nothing: its objects are about to go.
func sharedFiltersApplied(managedResource *resourcesv1alpha1.ManagedResource) bool {
	namespace, shared := managedResource.Labels[SharedIngressNamespaceLabel]
	if !shared || managedResource.DeletionTimestamp != nil {
		return false
	}
	for _, resource := range managedResource.Status.Resources {
		if resource.Kind == "EnvoyFilter" && resource.Namespace == namespace && resource.Name == envoyfilter.SharedFiltersName {
			return true
		}
	}
	return false
}

// sharedManagedResources lists the shared ManagedResources the gateway reconciler keeps in namespace.
func sharedManagedResources(ctx context.Context, reader client.Reader, namespace string) (*resourcesv1alpha1.ManagedResourceList, error) {
	deployed := &resourcesv1alpha1.ManagedResourceList{}
	if err := reader.List(ctx, deployed, client.InNamespace(namespace), client.HasLabels{SharedIngressNamespaceLabel}); err != nil {
		return nil, fmt.Errorf("failed to list the shared ManagedResources: %w", err)
	}
	return deployed, nil
}

// asManagedResource returns the ManagedResource of a watch event, or an empty one for any other object.
func asManagedResource(object client.Object) *resourcesv1alpha1.ManagedResource {
	if managedResource, ok := object.(*resourcesv1alpha1.ManagedResource); ok {
		return managedResource
	}
	return &resourcesv1alpha1.ManagedResource{}
}
